import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSuffix } from '../src/naming/name-hash.js';

/** RFC 4648 base32 of sha256(text), first 16 characters, the plain way: a bit string cut in 5-bit groups. */
function reference(text: string): string {
  const bits = [...createHash('sha256').update(text, 'utf8').digest()]
    .map((b) => b.toString(2).padStart(8, '0'))
    .join('');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from({ length: 16 }, (_, i) => alphabet[Number.parseInt(bits.slice(5 * i, 5 * i + 5), 2)]).join('');
}

// Built once while the file loads, outside any test's timeout: fast-check builds its table of every code
// point on the first `unit: 'binary'` string arbitrary, which took 5-14 s on a loaded 2-core machine.
const anyText = fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 40 }));

describe('hashSuffix', () => {
  it.each([
    ['', ''],
    ["kube-proxy's ServicePortName + protocol", 'ns1/svc1:p80tcp'],
    ['a chain name at the one-block limit (55 bytes)', 'x'.repeat(55)],
    ['one byte past it (56 bytes: two blocks)', 'x'.repeat(56)],
    ['a long name', `ns/${'s'.repeat(63)}:${'p'.repeat(15)}tcp10.0.0.1:65535`],
    ['non-ASCII text', 'ns/svc:pörttcp'],
  ])('is base32(sha256) for %s', (_, text) => {
    expect(hashSuffix(text)).toBe(reference(text));
  });

  it('matches kube-proxy for ns1/svc1:p80 tcp (XPGD46QRK7WJZT7O)', () => {
    expect(hashSuffix('ns1/svc1:p80tcp')).toBe('XPGD46QRK7WJZT7O');
  });

  it('is base32(sha256) for any string, ASCII or not, short or long', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(hashSuffix(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
