import { webcrypto } from 'node:crypto';
import { BadRequestError, type Clock, RealClock } from '@flotilla/core';

/** A WebCrypto key (Node's `webcrypto.CryptoKey`): what `crypto.subtle.generateKey` and `importKey` give. */
type CryptoKey = webcrypto.CryptoKey;

/** The issuer of Kubernetes' legacy (Secret-based) service account tokens. */
export const SERVICE_ACCOUNT_ISSUER = 'kubernetes/serviceaccount';

/**
 * The cluster key that signs and verifies service account tokens: an HMAC
 * secret (HS256, at least 32 bytes) or an asymmetric key pair (RS256 /
 * ES256, as Kubernetes' `--service-account-key-file`); the pair is WebCrypto
 * keys for RSASSA-PKCS1-v1_5 / ECDSA P-256 with SHA-256.
 */
export type ServiceAccountKey =
  | { alg: 'HS256'; secret: Uint8Array }
  | { alg: 'RS256' | 'ES256'; privateKey: CryptoKey; publicKey: CryptoKey };

/** A fresh random HS256 key. Tokens signed with it verify only while it is kept: persist it for a real cluster. */
export function generateServiceAccountKey(): ServiceAccountKey {
  return { alg: 'HS256', secret: webcrypto.getRandomValues(new Uint8Array(32)) };
}

/** JWS algorithms as WebCrypto names them (RFC 7518 section 3). */
const webCryptoAlgorithm = {
  HS256: { name: 'HMAC', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
} as const;

const encoder = new TextEncoder();
const base64url = (bytes: Uint8Array | ArrayBuffer) => Buffer.from(bytes as ArrayBuffer).toString('base64url');

/** The key that signs (`sign`) or verifies (`verify`) with this cluster key's algorithm. */
async function keyFor(key: ServiceAccountKey, use: 'sign' | 'verify'): Promise<CryptoKey> {
  if (key.alg !== 'HS256') return use === 'sign' ? key.privateKey : key.publicKey;
  return webcrypto.subtle.importKey('raw', key.secret, webCryptoAlgorithm.HS256, false, [use]);
}

/** The JSON of one base64url JWT segment, or an error naming which segment is broken. */
function segment(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below, as for any segment that is not a JSON object
  }
  throw new Error(`service account token ${what} is not a base64url JSON object`);
}

/** Who a token names (Kubernetes' legacy token claims). */
export interface ServiceAccountIdentity {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  secretName: string;
}

const claim = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  name: 'kubernetes.io/serviceaccount/service-account.name',
  uid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

function assertKey(key: ServiceAccountKey): void {
  if (key.alg === 'HS256' && key.secret.byteLength < 32)
    throw new BadRequestError('an HS256 service account key needs at least 32 bytes; use generateServiceAccountKey()');
}

/**
 * Signs a token for `identity`: a JWT with Kubernetes' legacy claims
 * (`iss: kubernetes/serviceaccount`, `sub: system:serviceaccount:<ns>:<name>`
 * and the `kubernetes.io/serviceaccount/*` claims), issued at the clock's
 * time, without expiry (as Secret-based tokens).
 */
export async function signServiceAccountToken(
  identity: ServiceAccountIdentity,
  key: ServiceAccountKey,
  clock: Clock = new RealClock(),
): Promise<string> {
  assertKey(key);
  const header = { alg: key.alg, typ: 'JWT' };
  const claims = {
    iss: SERVICE_ACCOUNT_ISSUER,
    sub: `system:serviceaccount:${identity.namespace}:${identity.serviceAccountName}`,
    iat: Math.floor(clock.now() / 1000),
    [claim.namespace]: identity.namespace,
    [claim.secretName]: identity.secretName,
    [claim.name]: identity.serviceAccountName,
    [claim.uid]: identity.serviceAccountUid,
  };
  const input = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await webcrypto.subtle.sign(
    webCryptoAlgorithm[key.alg],
    await keyFor(key, 'sign'),
    encoder.encode(input),
  );
  return `${input}.${base64url(signature)}`;
}

/** Options of `verifyServiceAccountToken`. */
export interface VerifyOptions {
  key: ServiceAccountKey;
  clock?: Clock;
  /**
   * Checks that the token's ServiceAccount (same uid) and Secret still exist,
   * as Kubernetes does for legacy tokens, so deleting either revokes it.
   * Returns false when they do not.
   */
  stillValid?: (identity: ServiceAccountIdentity) => Promise<boolean>;
}

/**
 * Verifies a service account token: signature with the cluster key (only
 * its algorithm accepted), issuer, subject matching the claims, and
 * optionally that the account and secret still exist. Returns who it names.
 *
 * @throws Error naming the failed check when the token is not valid.
 */
export async function verifyServiceAccountToken(
  token: string,
  options: VerifyOptions,
): Promise<ServiceAccountIdentity> {
  const { key } = options;
  assertKey(key);
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('service account token is not a compact JWS (three dot-separated parts)');
  const header = segment(parts[0], 'header');
  // Only the cluster key's own algorithm: never `none`, never HMAC with a public key.
  if (header.alg !== key.alg)
    throw new Error(`service account token algorithm ${String(header.alg)} is not ${key.alg}`);
  if (header.crit !== undefined) throw new Error('service account token has critical header extensions');
  const valid = await webcrypto.subtle.verify(
    webCryptoAlgorithm[key.alg],
    await keyFor(key, 'verify'),
    Buffer.from(parts[2], 'base64url'),
    encoder.encode(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) throw new Error('service account token signature verification failed');
  const payload = segment(parts[1], 'payload');
  if (payload.iss !== SERVICE_ACCOUNT_ISSUER)
    throw new Error(`service account token issuer is not ${SERVICE_ACCOUNT_ISSUER}`);
  const nowSeconds = Math.floor((options.clock ?? new RealClock()).now() / 1000);
  if (typeof payload.exp === 'number' && nowSeconds >= payload.exp)
    throw new Error('service account token has expired');
  if (typeof payload.nbf === 'number' && nowSeconds < payload.nbf)
    throw new Error('service account token is not valid yet');
  const identity = identityOf(payload);
  if (payload.sub !== `system:serviceaccount:${identity.namespace}:${identity.serviceAccountName}`)
    throw new Error('service account token subject does not match its claims');
  if (options.stillValid && !(await options.stillValid(identity)))
    throw new Error(
      `service account ${identity.namespace}/${identity.serviceAccountName} or its token secret ${identity.secretName} no longer exists; the token is revoked`,
    );
  return identity;
}

function identityOf(payload: Record<string, unknown>): ServiceAccountIdentity {
  const text = (name: string): string => {
    const v = payload[name];
    if (typeof v !== 'string' || v === '') throw new Error(`service account token lacks the ${name} claim`);
    return v;
  };
  return {
    namespace: text(claim.namespace),
    serviceAccountName: text(claim.name),
    serviceAccountUid: text(claim.uid),
    secretName: text(claim.secretName),
  };
}
