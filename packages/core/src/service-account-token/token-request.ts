import { type FieldError, InvalidError } from '../errors/api-errors.js';
import type { ObjectMeta } from '../model/meta.js';

/** What a token is bound to (authentication.k8s.io/v1 `BoundObjectReference`): a Pod or a Secret. */
export interface BoundObjectReference {
  kind?: 'Pod' | 'Secret';
  apiVersion?: string;
  name?: string;
  /** When set, the bound object must still have this uid. */
  uid?: string;
}

/** What a token is requested for (`TokenRequestSpec`). */
export interface TokenRequestSpec {
  /** Who the token is meant for; empty means the API server's own audiences. */
  audiences?: string[];
  /** Lifetime in seconds; default 3600, at least 600. */
  expirationSeconds?: number;
  /** Deleting this object (or recreating it with another uid) revokes the token. */
  boundObjectRef?: BoundObjectReference;
}

/** authentication.k8s.io/v1 `TokenRequest`: what `POST serviceaccounts/<name>/token` takes and answers. */
export interface TokenRequest {
  apiVersion?: 'authentication.k8s.io/v1';
  kind?: 'TokenRequest';
  metadata?: ObjectMeta;
  spec: TokenRequestSpec;
  status?: {
    token: string;
    /** RFC 3339. */
    expirationTimestamp: string;
  };
}

/**
 * What asks a cluster for a service account token (the TokenRequest API,
 * `serviceaccounts/<name>/token`): the in-process `Api` and `RemoteApi`
 * both do. The node agent takes it to fill projected token volumes.
 */
export interface TokenRequester {
  /** A token for service account `namespace/name`, as `request.spec` asks (audiences, expiry, bound object). */
  requestToken(namespace: string, name: string, request: TokenRequest): Promise<TokenRequest>;
}

/** Kubernetes' default token lifetime (`SetDefaults_TokenRequestSpec`): one hour. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
/** The shortest lifetime Kubernetes accepts: 10 minutes. */
export const MIN_TOKEN_EXPIRATION_SECONDS = 600;
/** The longest lifetime Kubernetes accepts: 2^32 seconds. */
export const MAX_TOKEN_EXPIRATION_SECONDS = 2 ** 32;

/**
 * Checks a TokenRequest as kube-apiserver's validation does; throws
 * `InvalidError` naming every bad field (`spec.expirationSeconds`,
 * `spec.boundObjectRef.kind`, ...).
 */
export function validateTokenRequest(serviceAccount: string, request: TokenRequest): void {
  const errors: FieldError[] = [];
  const spec = request.spec ?? {};
  const seconds = spec.expirationSeconds;
  if (seconds !== undefined) {
    if (!Number.isInteger(seconds)) errors.push({ field: 'spec.expirationSeconds', message: 'must be an integer' });
    else if (seconds < MIN_TOKEN_EXPIRATION_SECONDS)
      errors.push({ field: 'spec.expirationSeconds', message: 'may not specify a duration less than 10 minutes' });
    else if (seconds > MAX_TOKEN_EXPIRATION_SECONDS)
      errors.push({ field: 'spec.expirationSeconds', message: 'may not specify a duration larger than 2^32 seconds' });
  }
  if (spec.audiences !== undefined && !Array.isArray(spec.audiences))
    errors.push({ field: 'spec.audiences', message: 'must be a list of strings' });
  spec.audiences?.forEach((a, i) => {
    if (typeof a !== 'string' || a === '')
      errors.push({ field: `spec.audiences[${i}]`, message: 'must be a non-empty string' });
  });
  const ref = spec.boundObjectRef;
  if (ref) {
    if (ref.kind !== 'Pod' && ref.kind !== 'Secret')
      errors.push({
        field: 'spec.boundObjectRef.kind',
        message: `Unsupported value: "${ref.kind}": supported values: "Pod", "Secret"`,
      });
    if (ref.apiVersion !== undefined && ref.apiVersion !== 'v1')
      errors.push({
        field: 'spec.boundObjectRef.apiVersion',
        message: `Unsupported value: "${ref.apiVersion}": supported values: "v1"`,
      });
    if (typeof ref.name !== 'string' || ref.name === '')
      errors.push({ field: 'spec.boundObjectRef.name', message: 'Required value' });
  }
  if (errors.length > 0) throw new InvalidError('TokenRequest', serviceAccount, errors);
}
