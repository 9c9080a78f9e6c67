/**
 * `text` as one flat string of its own. A string built by concatenation (a
 * template literal, `+`, Node's `randomUUID()`, `slice` then `+`) is kept by
 * V8 as a tree of its pieces: a 36-character uid from `randomUUID()` costs
 * about 1 kB of heap as 20-odd pieces, where its flat copy costs 56 bytes.
 * Strings a store keeps for every object (uids, timestamps) are flattened
 * once, when they are made.
 *
 * `text` must be ASCII (ids, timestamps): other characters would not survive
 * the one-byte copy.
 */
export function flatAscii(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}
