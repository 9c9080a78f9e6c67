/**
 * Splits a stream of text chunks into lines: a watch response is one JSON
 * event per line, and a chunk can end anywhere, even inside a character.
 */
export class LineSplitter {
  private pending = '';

  /** The complete lines `chunk` finishes; an unfinished tail waits for the next chunk. */
  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }
}

/** Reads a response body as lines of text, calling `onLine` for each, until the body ends. */
export async function readLines(body: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    // stream: a character split across two chunks is decoded whole with the next one.
    for (const line of splitter.push(decoder.decode(value, { stream: true }))) onLine(line);
  }
}
