import { hash } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The first 16 characters of base32(sha256(text)), kube-proxy's
 * `portProtoHash` / `servicePortEndpointChainName` suffix. 16 base32
 * characters are exactly the first 10 bytes of the digest, so only those are
 * encoded.
 */
export function hashSuffix(text: string): string {
  const digest = hash('sha256', text, 'buffer');
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
