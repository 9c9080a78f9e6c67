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
  const suffix = oneBlockSuffix(text);
  if (suffix !== undefined) return suffix;
  const bytes = hash('sha256', text, 'buffer');
  return base32Prefix(bytes.readInt32BE(0), bytes.readInt32BE(4), bytes.readInt32BE(8));
}

const alphabetCodes = Array.from(alphabet, (c) => c.charCodeAt(0));

/**
 * Base32 of the first 80 bits of a digest, given as its first three 32-bit
 * words (`a`, `b` and the top half of `c`): one string made at once, not
 * sixteen concatenations.
 */
function base32Prefix(a: number, b: number, c: number): string {
  const code = alphabetCodes;
  return String.fromCharCode(
    code[a >>> 27],
    code[(a >>> 22) & 31],
    code[(a >>> 17) & 31],
    code[(a >>> 12) & 31],
    code[(a >>> 7) & 31],
    code[(a >>> 2) & 31],
    code[((a & 3) << 3) | (b >>> 29)],
    code[(b >>> 24) & 31],
    code[(b >>> 19) & 31],
    code[(b >>> 14) & 31],
    code[(b >>> 9) & 31],
    code[(b >>> 4) & 31],
    code[((b & 15) << 1) | (c >>> 31)],
    code[(c >>> 26) & 31],
    code[(c >>> 21) & 31],
    code[(c >>> 16) & 31],
  );
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
/** The message schedule as a ring of 16 words, reused: hashing is synchronous, so one serves every call. */
const schedule = new Int32Array(16);
/**
 * The suffix of `text` hashed here, when `text` is ASCII and fits one
 * 64-byte sha256 block with its padding (at most 55 bytes), else
 * `undefined`.
 */
function oneBlockSuffix(text: string): string | undefined {
  const n = text.length;
  if (n > 55) return undefined;
  const w = schedule;
  w.fill(0);
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    seen |= c;
    w[i >> 2] |= c << (24 - 8 * (i & 3));
  }
  // Checked once after the loop: a branch per character costs more than the rare non-ASCII name saves.
  if (seen > 0x7f) return undefined;
  w[n >> 2] |= 0x80 << (24 - 8 * (n & 3));
  w[15] = n * 8;
  let a = H[0];
  let b = H[1];
  let c = H[2];
  let d = H[3];
  let e = H[4];
  let f = H[5];
  let g = H[6];
  let h = H[7];
  for (let i = 0; i < 64; i++) {
    // Words 16..63 are computed as the rounds need them, over the ring of the last 16.
    let wi: number;
    if (i < 16) wi = w[i];
    else {
      const x = w[(i - 15) & 15];
      const y = w[(i - 2) & 15];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      wi = (w[i & 15] + s0 + w[(i - 7) & 15] + s1) | 0;
      w[i & 15] = wi;
    }
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + wi) | 0;
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
  return base32Prefix((a + H[0]) | 0, (b + H[1]) | 0, (c + H[2]) | 0);
}
