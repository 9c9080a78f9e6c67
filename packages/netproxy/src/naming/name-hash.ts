import { hash } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The first 16 characters of base32(sha256(text)), kube-proxy's
 * `portProtoHash` / `servicePortEndpointChainName` suffix. 16 base32
 * characters are exactly the first 10 bytes of the digest, so only those are
 * encoded.
 *
 * Guarantees: the same characters as base32 of Node's sha256 for every
 * string. Chain names (ASCII, at most 55 bytes: one sha256 block) are hashed
 * here in JavaScript, without a native call and a Buffer per name, which
 * costs a 110,000-chain ruleset about half as much; other strings go to
 * `crypto.hash`.
 */
export function hashSuffix(text: string): string {
  return base32Prefix(oneBlockDigest(text) ?? hash('sha256', text, 'buffer'));
}

/** Base32 of the first 10 bytes of `digest`. */
function base32Prefix(digest: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 10; i += 5) {
    // 5 bytes = 40 bits = 8 base32 characters; split in two 20-bit halves to stay within 32-bit integers.
    const hi = (digest[i] << 12) | (digest[i + 1] << 4) | (digest[i + 2] >> 4);
    const lo = ((digest[i + 2] & 0xf) << 16) | (digest[i + 3] << 8) | digest[i + 4];
    out +=
      alphabet[hi >> 15] +
      alphabet[(hi >> 10) & 31] +
      alphabet[(hi >> 5) & 31] +
      alphabet[hi & 31] +
      alphabet[lo >> 15] +
      alphabet[(lo >> 10) & 31] +
      alphabet[(lo >> 5) & 31] +
      alphabet[lo & 31];
  }
  return out;
}

/** SHA-256 round constants (FIPS 180-4, 4.2.2). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
/** SHA-256 initial hash value (FIPS 180-4, 5.3.3). */
const H = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** Message schedule and output, reused: hashing is synchronous, so one of each serves every call. */
const schedule = new Int32Array(64);
const digestPrefix = new Uint8Array(12);

/**
 * The first 12 bytes of sha256(`text`) when `text` is ASCII and fits one
 * 64-byte block with its padding (at most 55 bytes), else `undefined`.
 */
function oneBlockDigest(text: string): Uint8Array | undefined {
  const n = text.length;
  if (n > 55) return undefined;
  const w = schedule;
  w.fill(0, 0, 16);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    w[i >> 2] |= c << (24 - 8 * (i & 3));
  }
  w[n >> 2] |= 0x80 << (24 - 8 * (n & 3));
  w[15] = n * 8;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = H[0];
  let b = H[1];
  let c = H[2];
  let d = H[3];
  let e = H[4];
  let f = H[5];
  let g = H[6];
  let h = H[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  putWord(0, a + H[0]);
  putWord(4, b + H[1]);
  putWord(8, c + H[2]);
  return digestPrefix;
}

/** Writes the 32-bit `word` big-endian at `at` in `digestPrefix`. */
function putWord(at: number, word: number): void {
  digestPrefix[at] = word >>> 24;
  digestPrefix[at + 1] = word >>> 16;
  digestPrefix[at + 2] = word >>> 8;
  digestPrefix[at + 3] = word;
}
