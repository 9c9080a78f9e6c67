import { type KeyObject, sign, verify } from 'node:crypto';

/**
 * Compact JWS (RFC 7515) for the two algorithms Kubernetes signs service
 * account tokens with, on `node:crypto`: RS256 (RSASSA-PKCS1-v1_5, SHA-256)
 * and ES256 (ECDSA P-256, SHA-256, the signature as r||s). Written here
 * rather than taken from `jose`, which is ESM-only: core's CommonJS build
 * must load on every Node 20.
 */
export type JwsAlgorithm = 'RS256' | 'ES256';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Signs `payload` (a JSON object) with `header`'s algorithm; returns `header.payload.signature`. */
export function signJws(header: { alg: JwsAlgorithm; kid?: string }, payload: object, key: KeyObject): string {
  const input = `${b64url(JSON.stringify({ ...header, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/** Why a compact JWS was refused. */
export class JwsError extends Error {
  override readonly name = 'JwsError';
}

/** The decoded parts of a compact JWS, unverified. @throws JwsError when it is not one. */
export function decodeJws(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsError('not a compact JWS (three base64url parts)');
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) throw new JwsError('header and payload must be JSON objects');
    return { header, payload };
  } catch (err) {
    if (err instanceof JwsError) throw err;
    throw new JwsError('header or payload is not base64url JSON');
  }
}

/**
 * Verifies a compact JWS signed with `alg` by `key` and returns its payload.
 * The header's `alg` must be exactly `alg` (no algorithm confusion, no
 * `none`). @throws JwsError naming what failed.
 */
export function verifyJws(token: string, key: KeyObject, alg: JwsAlgorithm): Record<string, unknown> {
  const { header, payload } = decodeJws(token);
  if (header.alg !== alg) throw new JwsError(`unexpected "alg" header value ${JSON.stringify(header.alg)}`);
  const [h, p, s] = token.split('.');
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new JwsError('signature verification failed');
  return payload;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
