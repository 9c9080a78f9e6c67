import type { Clock, Pod, TokenRequest } from '@flotilla/core';

/** A `serviceAccountToken` projection (core types projected sources loosely). */
export interface ServiceAccountTokenProjection {
  path: string;
  /** Default: the API server's audiences. */
  audience?: string;
  /** Default 3600, at least 600 (the TokenRequest API refuses less). */
  expirationSeconds?: number;
}

/** Requests a token for a service account: `Api.requestToken` or `RemoteApi.requestToken`. */
export type RequestToken = (namespace: string, serviceAccount: string, request: TokenRequest) => Promise<TokenRequest>;

/** The kubelet's default projected token lifetime (`ServiceAccountTokenProjection.expirationSeconds`). */
const DEFAULT_PROJECTION_SECONDS = 3600;
/** The kubelet refreshes a token once 80% of its lifetime has passed, or once it is a day old. */
const REFRESH_FRACTION = 0.8;
const MAX_AGE_MS = 24 * 3600 * 1000;

interface CachedToken {
  token: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

/**
 * The kubelet's token manager: tokens for pods' `serviceAccountToken`
 * projections, bound to the pod, cached per pod, audience and lifetime, and
 * requested again once 80% of their lifetime (or 24 h) has passed on the
 * clock, so the file a pod reads is renewed well before it expires.
 */
export class ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly clock: Clock,
    private readonly request: RequestToken,
  ) {}

  /** The token for `projection` in `pod`: the cached one while it is fresh, else a new one. */
  async tokenFor(pod: Pod, projection: ServiceAccountTokenProjection): Promise<string> {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    const seconds = projection.expirationSeconds ?? DEFAULT_PROJECTION_SECONDS;
    const key = `${uid}\0${projection.audience ?? ''}\0${seconds}`;
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && !this.needsRefresh(cached, now)) return cached.token;
    const answer = await this.request(pod.metadata.namespace ?? 'default', pod.spec.serviceAccountName ?? 'default', {
      spec: {
        ...(projection.audience ? { audiences: [projection.audience] } : {}),
        expirationSeconds: seconds,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid },
      },
    });
    const token = answer.status?.token ?? '';
    const expiresAtMs = Date.parse(answer.status?.expirationTimestamp ?? '');
    this.cache.set(key, {
      token,
      issuedAtMs: now,
      expiresAtMs: Number.isNaN(expiresAtMs) ? now + seconds * 1000 : expiresAtMs,
    });
    return token;
  }

  /** Drops a pod's tokens (it is gone). */
  forget(podUid: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${podUid}\0`)) this.cache.delete(key);
  }

  private needsRefresh(t: CachedToken, now: number): boolean {
    const refreshAt = t.issuedAtMs + REFRESH_FRACTION * (t.expiresAtMs - t.issuedAtMs);
    return now >= refreshAt || now - t.issuedAtMs >= MAX_AGE_MS;
  }
}
