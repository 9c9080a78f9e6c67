import { randomUUID } from 'node:crypto';
import type { ClusterApi } from '../api/cluster-api.js';
import { BadRequestError, ConflictError, isReason } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import { decodeJws, JwsError, signJws, verifyJws } from './jws.js';
import type { ServiceAccountSigningKey } from './signing-key.js';
import { type KubernetesTokenClaim, type ServiceAccountTokenClaims, serviceAccountUsername } from './token-claims.js';
import {
  type BoundObjectReference,
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  type TokenRequest,
  validateTokenRequest,
} from './token-request.js';

/** kube-apiserver's default `--service-account-issuer` for a cluster named as kubeadm names it. */
export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** go-jose's default leeway on `exp`, `nbf` and `iat`, which Kubernetes' token validation keeps: 60 s. */
const CLOCK_LEEWAY_SECONDS = 60;

/** What the issuer reads: the objects a token names, and the time. */
export type TokenApi = Pick<ClusterApi, 'resource' | 'clock'>;

/** Options of `new ServiceAccountTokenIssuer(...)`. */
export interface ServiceAccountTokenIssuerOptions {
  /** The cluster key pair. */
  key: ServiceAccountSigningKey;
  /** The `iss` claim (`--service-account-issuer`). Default `https://kubernetes.default.svc.cluster.local`. */
  issuer?: string;
  /** What a request without audiences gets and what the API server accepts (`--api-audiences`). Default: the issuer. */
  apiAudiences?: string[];
  /** Longer requests are cut to this (`--service-account-max-token-expiration`). Default: no cap. */
  maxExpirationSeconds?: number;
}

/** A bearer token that is not (or no longer) a valid service account token; the message says why. */
export class ServiceAccountTokenRejectedError extends Error {
  override readonly name = 'ServiceAccountTokenRejectedError';
}

const reject = (message: string) => new ServiceAccountTokenRejectedError(message);

async function getOrUndefined(
  api: TokenApi,
  kind: string,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await api.resource(kind).get(namespace, name);
  } catch (err) {
    if (isReason(err, 'NotFound')) return undefined;
    throw err;
  }
}

/**
 * Issues and verifies bound service account tokens, as kube-apiserver's
 * TokenRequest API and its service account authenticator do: JWTs signed
 * with the cluster key carrying `iss`, `sub`
 * (`system:serviceaccount:<ns>:<name>`), `aud`, `exp`, `iat`, `nbf`, `jti`
 * and the `kubernetes.io` claim (namespace, service account, and the pod or
 * secret the token is bound to).
 *
 * Guarantees: a token verifies only while its service account, and the
 * object it is bound to, exist with the uids it names: deleting either
 * (or recreating it) revokes the token.
 *
 * Caveats: no `warnafter` extended expiry for kubelet tokens, no node
 * binding, no OIDC discovery documents.
 */
export class ServiceAccountTokenIssuer {
  /** The `iss` claim of every token issued. */
  readonly issuer: string;
  /** The audiences the API server accepts, and the default audience of a token. */
  readonly apiAudiences: readonly string[];

  constructor(private readonly options: ServiceAccountTokenIssuerOptions) {
    this.issuer = options.issuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
    this.apiAudiences = Object.freeze([...(options.apiAudiences ?? [this.issuer])]);
  }

  /**
   * Answers a TokenRequest for service account `namespace/name` (the
   * `serviceaccounts/token` subresource): checks the request, the account
   * and the bound object, and returns the request with `status.token` and
   * `status.expirationTimestamp`.
   *
   * @throws InvalidError for a bad request (naming the field), NotFoundError
   *   when the account or the bound object does not exist, ConflictError when
   *   the bound object has another uid, BadRequestError when a bound pod runs
   *   as another account.
   */
  async issue(api: TokenApi, namespace: string, name: string, request: TokenRequest): Promise<TokenRequest> {
    validateTokenRequest(name, request);
    const account = await api.resource('ServiceAccount').get(namespace, name);
    const spec = request.spec ?? {};
    const claim: KubernetesTokenClaim = {
      namespace,
      serviceaccount: { name, uid: account.metadata.uid ?? '' },
    };
    if (spec.boundObjectRef) await this.bind(api, namespace, name, spec.boundObjectRef, claim);
    const requested = spec.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
    const lifetime = Math.min(requested, this.options.maxExpirationSeconds ?? requested);
    const audiences = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [...this.apiAudiences];
    const now = Math.floor(api.clock.now() / 1000);
    const { key } = this.options;
    const token = signJws(
      { alg: key.alg, ...(key.keyId ? { kid: key.keyId } : {}) },
      {
        'kubernetes.io': claim,
        iss: this.issuer,
        sub: serviceAccountUsername(namespace, name),
        aud: audiences,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        jti: randomUUID(),
      },
      key.privateKey,
    );
    return {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { ...request.metadata, name, namespace, creationTimestamp: new Date(now * 1000).toISOString() },
      spec: { ...spec, audiences, expirationSeconds: lifetime },
      status: { token, expirationTimestamp: new Date((now + lifetime) * 1000).toISOString().replace('.000Z', 'Z') },
    };
  }

  /** True when `token` is a JWT this issuer's `iss` names (unverified: whether to try `verify` at all). */
  issued(token: string): boolean {
    try {
      return decodeJws(token).payload.iss === this.issuer;
    } catch {
      return false;
    }
  }

  /**
   * Verifies a token: signature with the cluster key, issuer, one of
   * `audiences` (default: the API server's), `exp`/`nbf` with Kubernetes'
   * 60 s leeway, and that the service account and bound object still exist
   * with the uids the token names.
   *
   * @throws ServiceAccountTokenRejectedError naming the failed check.
   */
  async verify(
    api: TokenApi,
    token: string,
    audiences: readonly string[] = this.apiAudiences,
  ): Promise<ServiceAccountTokenClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = verifyJws(token, this.options.key.publicKey, this.options.key.alg);
    } catch (err) {
      if (err instanceof JwsError) throw reject(`service account token is invalid: ${err.message}`);
      throw err;
    }
    const claims = this.checkClaims(payload, audiences, api.clock.now() / 1000);
    const claim = payload['kubernetes.io'] as KubernetesTokenClaim | undefined;
    const ns = claim?.namespace;
    const sa = claim?.serviceaccount;
    if (typeof ns !== 'string' || typeof sa?.name !== 'string' || typeof sa.uid !== 'string')
      throw reject('service account token lacks the kubernetes.io namespace and serviceaccount claims');
    if (claims.sub !== serviceAccountUsername(ns, sa.name))
      throw reject('service account token subject does not match its kubernetes.io claim');
    await this.checkLive(api, ns, 'ServiceAccount', sa);
    if (claim?.pod) await this.checkLive(api, ns, 'Pod', claim.pod);
    if (claim?.secret) await this.checkLive(api, ns, 'Secret', claim.secret);
    return {
      subject: claims.sub,
      issuer: this.issuer,
      audiences: claims.aud,
      issuedAt: claims.iat,
      expiresAt: claims.exp,
      id: typeof payload.jti === 'string' ? payload.jti : '',
      kubernetes: claim as KubernetesTokenClaim,
    };
  }

  /** The registered claims Kubernetes checks: issuer, an accepted audience, `exp`/`nbf`/`iat` within the leeway. */
  private checkClaims(payload: Record<string, unknown>, audiences: readonly string[], nowSeconds: number) {
    const { iss, sub, exp, nbf, iat } = payload;
    const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
    if (typeof sub !== 'string' || typeof exp !== 'number' || typeof nbf !== 'number' || typeof iat !== 'number')
      throw reject('service account token is invalid: missing required claim sub, exp, iat or nbf');
    if (iss !== this.issuer) throw reject('service account token is invalid: unexpected "iss" claim value');
    if (!Array.isArray(aud) || !aud.some((a) => typeof a === 'string' && audiences.includes(a)))
      throw reject('service account token is invalid: unexpected "aud" claim value');
    if (nowSeconds - CLOCK_LEEWAY_SECONDS >= exp) throw reject('service account token has expired');
    if (nowSeconds + CLOCK_LEEWAY_SECONDS < nbf)
      throw reject('service account token is invalid: "nbf" claim timestamp check failed');
    return { sub, exp, iat, aud: aud as string[] };
  }

  /** Kubernetes' revocation check: the named object exists, has the token's uid, and is not being deleted. */
  private async checkLive(api: TokenApi, namespace: string, kind: string, ref: { name: string; uid: string }) {
    const live = await getOrUndefined(api, kind, namespace, ref.name);
    if (!live) throw reject(`${kind} ${namespace}/${ref.name} has been deleted; the token is revoked`);
    if (live.metadata.uid !== ref.uid)
      throw reject(
        `${kind} ${namespace}/${ref.name} has uid ${live.metadata.uid}, not ${ref.uid}; the token is revoked`,
      );
    if (kind !== 'ServiceAccount' && live.metadata.deletionTimestamp)
      throw reject(`${kind} ${namespace}/${ref.name} is being deleted; the token is revoked`);
  }

  private async bind(
    api: TokenApi,
    namespace: string,
    account: string,
    ref: BoundObjectReference,
    claim: KubernetesTokenClaim,
  ): Promise<void> {
    const kind = ref.kind as 'Pod' | 'Secret';
    const name = ref.name as string;
    const bound = await api.resource(kind).get(namespace, name);
    const uid = bound.metadata.uid ?? '';
    if (ref.uid && ref.uid !== uid)
      throw new ConflictError(
        { resource: kind === 'Pod' ? 'pods' : 'secrets', name, namespace },
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
      );
    if (kind === 'Pod') {
      const podAccount = (bound as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName ?? 'default';
      if (podAccount !== account)
        throw new BadRequestError(
          `cannot bind token for serviceaccount "${account}" to pod running with different serviceaccount name.`,
        );
      claim.pod = { name, uid };
      const nodeName = (bound as { spec?: { nodeName?: string } }).spec?.nodeName;
      const node = nodeName ? await getOrUndefined(api, 'Node', undefined, nodeName) : undefined;
      if (node && nodeName) claim.node = { name: nodeName, uid: node.metadata.uid ?? '' };
    } else {
      claim.secret = { name, uid };
    }
  }
}
