import type { LogLine } from '../cri/messages.js';

/**
 * Splits Docker's multiplexed output (8-byte frame headers: stream type,
 * three zero bytes, big-endian length) into lines per stream. Containers
 * without a TTY always produce this format; frames may be cut anywhere by
 * the transport, so the decoder keeps partial frames and partial lines.
 */
export class LogFrameDecoder {
  private buffered = Buffer.alloc(0);
  private readonly partial: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };

  /** Feeds bytes; returns the complete lines they finish. */
  push(chunk: Buffer): LogLine[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const lines: LogLine[] = [];
    while (this.buffered.length >= 8) {
      const size = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + size) break;
      const stream = this.buffered[0] === 2 ? 'stderr' : 'stdout';
      const text = this.partial[stream] + this.buffered.subarray(8, 8 + size).toString('utf8');
      this.buffered = this.buffered.subarray(8 + size);
      const parts = text.split('\n');
      this.partial[stream] = parts.pop() ?? '';
      for (const part of parts) lines.push({ stream, text: part });
    }
    return lines;
  }

  /** The unterminated last lines, once the output has ended. */
  end(): LogLine[] {
    const rest = (['stdout', 'stderr'] as const)
      .filter((s) => this.partial[s] !== '')
      .map((stream) => ({ stream, text: this.partial[stream] }));
    this.partial.stdout = '';
    this.partial.stderr = '';
    return rest;
  }
}
