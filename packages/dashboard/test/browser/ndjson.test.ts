import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/browser/api/api-client.js';
import { LineSplitter, readLines } from '../../src/browser/api/ndjson.js';

describe('LineSplitter', () => {
  it('gives the same lines however the text is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme' }).map((s) => s.replace(/\n/g, ' ')),
          { maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lines, cuts) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const splitter = new LineSplitter();
          const got: string[] = [];
          let from = 0;
          for (const cut of [...at, text.length]) {
            got.push(...splitter.push(text.slice(from, cut)));
            from = cut;
          }
          expect(got).toEqual(lines.filter((l) => l.trim() !== ''));
        },
      ),
    );
  });

  it('decodes a character split across two chunks of bytes whole', async () => {
    const bytes = new TextEncoder().encode('{"m":"é€"}\n{"m":"x"}\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 8)); // inside the two bytes of é
        c.enqueue(bytes.slice(8));
        c.close();
      },
    });
    const lines: string[] = [];
    await readLines(body, (l) => lines.push(l));
    expect(lines.map((l) => JSON.parse(l).m)).toEqual(['é€', 'x']);
  });
});

describe('refusalOf shows a refusal as the server gave it', () => {
  it.each([
    [
      'a Status: its code, reason and message',
      403,
      'Forbidden',
      JSON.stringify({
        kind: 'Status',
        code: 403,
        reason: 'Forbidden',
        message: 'pods "x" is forbidden: User "v" cannot delete',
      }),
      '403 Forbidden: pods "x" is forbidden: User "v" cannot delete',
    ],
    [
      'a 422 with causes keeps the message the server wrote',
      422,
      'Unprocessable Entity',
      JSON.stringify({
        kind: 'Status',
        code: 422,
        reason: 'Invalid',
        message: 'Deployment.apps "w" is invalid: spec.replicas: Invalid value: -1',
      }),
      '422 Invalid: Deployment.apps "w" is invalid: spec.replicas: Invalid value: -1',
    ],
    [
      'not a Status: the status line and the text',
      502,
      'Bad Gateway',
      '<html>upstream down</html>',
      '502 Bad Gateway: <html>upstream down</html>',
    ],
  ])('%s', (_, code, statusText, body, shown) => {
    expect(refusalOf(code, statusText, body).describe()).toBe(shown);
  });
});
