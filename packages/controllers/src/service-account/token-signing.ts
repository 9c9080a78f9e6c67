import { BadRequestError, type Clock, RealClock } from '@flotilla/core';
import { type CryptoKey, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** The issuer of Kubernetes' legacy (Secret-based) service account tokens. */
export const SERVICE_ACCOUNT_ISSUER = 'kubernetes/serviceaccount';

/**
 * The cluster key that signs and verifies service account tokens: an HMAC
 * secret (HS256, at least 32 bytes) or an asymmetric key pair (RS256 /
 * ES256, as Kubernetes' `--service-account-key-file`), used through jose.
 */
export type ServiceAccountKey =
  | { alg: 'HS256'; secret: Uint8Array }
  | { alg: 'RS256' | 'ES256'; privateKey: CryptoKey; publicKey: CryptoKey };

/** A fresh random HS256 key. Tokens signed with it verify only while it is kept: persist it for a real cluster. */
export function generateServiceAccountKey(): ServiceAccountKey {
  return { alg: 'HS256', secret: crypto.getRandomValues(new Uint8Array(32)) };
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
  return new SignJWT({
    [claim.namespace]: identity.namespace,
    [claim.secretName]: identity.secretName,
    [claim.name]: identity.serviceAccountName,
    [claim.uid]: identity.serviceAccountUid,
  })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT' })
    .setIssuer(SERVICE_ACCOUNT_ISSUER)
    .setSubject(`system:serviceaccount:${identity.namespace}:${identity.serviceAccountName}`)
    .setIssuedAt(Math.floor(clock.now() / 1000))
    .sign(key.alg === 'HS256' ? key.secret : key.privateKey);
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
 * @throws Error (jose's, or one naming the failed check) when the token is not valid.
 */
export async function verifyServiceAccountToken(
  token: string,
  options: VerifyOptions,
): Promise<ServiceAccountIdentity> {
  const { key } = options;
  assertKey(key);
  const { payload } = await jwtVerify(token, key.alg === 'HS256' ? key.secret : key.publicKey, {
    issuer: SERVICE_ACCOUNT_ISSUER,
    algorithms: [key.alg],
    currentDate: new Date((options.clock ?? new RealClock()).now()),
  });
  const identity = identityOf(payload);
  if (payload.sub !== `system:serviceaccount:${identity.namespace}:${identity.serviceAccountName}`)
    throw new Error('service account token subject does not match its claims');
  if (options.stillValid && !(await options.stillValid(identity)))
    throw new Error(
      `service account ${identity.namespace}/${identity.serviceAccountName} or its token secret ${identity.secretName} no longer exists; the token is revoked`,
    );
  return identity;
}

function identityOf(payload: JWTPayload): ServiceAccountIdentity {
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
