import {
  Api,
  AuthorizerChain,
  type ClusterApi,
  ensureBootstrapRbac,
  type Identity,
  InformerFactory,
  NODE_USER_PREFIX,
  NODES_GROUP,
  NodeAuthorizer,
  type Pod,
  RbacAuthorizer,
} from '@flotilla/core';

/** How the cluster authorizes its components' calls, as kube-apiserver's `--authorization-mode`. */
export type AuthorizationMode = 'AlwaysAllow' | 'RBAC';

/** The identity each component acts as: Kubernetes' bootstrap users, bound by `ensureBootstrapRbac`. */
export const componentIdentities = {
  /** Bound to the ClusterRole `system:kube-scheduler`. */
  scheduler: { user: 'system:kube-scheduler' },
  /** kube-proxy's user, bound to `system:node-proxier`; the cluster DNS follows services with it too. */
  proxy: { user: 'system:kube-proxy' },
  /** A node agent: served by the Node authorizer. */
  node: (name: string): Identity => ({ user: `${NODE_USER_PREFIX}${name}`, groups: [NODES_GROUP] }),
};

/**
 * Hands each component a view of the cluster's Api acting for its own
 * identity. With `RBAC`, the views go through a Node + RBAC chain (as
 * kube-apiserver's `--authorization-mode=Node,RBAC`) over the bootstrap
 * policy, which `start` writes; with `AlwaysAllow`, every call is allowed.
 * The trusted Api itself (the demo, the served API) stays unrestricted.
 */
export class ClusterAuthorization {
  private constructor(
    private readonly guarded: Api,
    private readonly abort?: AbortController,
  ) {}

  /** Writes the bootstrap policy and syncs the authorizers' caches (RBAC), or allows everything. */
  static async start(api: Api, mode: AuthorizationMode): Promise<ClusterAuthorization> {
    if (mode === 'AlwaysAllow') return new ClusterAuthorization(api);
    await ensureBootstrapRbac(api);
    // The authorizers read roles, bindings and pods through the trusted Api, as kube-apiserver reads its own storage.
    const informers = new InformerFactory(api);
    const chain = new AuthorizerChain([
      new NodeAuthorizer(informers.for<Pod>('Pod').cache),
      RbacAuthorizer.fromInformers(informers),
    ]);
    const abort = new AbortController();
    informers.start(abort.signal);
    await informers.waitForSync();
    const guarded = new Api({
      store: api.store,
      clock: api.clock,
      authorizer: chain,
      serviceAccountTokens: api.serviceAccountTokens,
    });
    return new ClusterAuthorization(guarded, abort);
  }

  /** The Api as `identity` sees it: every call authorized by the cluster's chain. */
  as(identity: Identity): ClusterApi {
    return this.guarded.as(identity);
  }

  /** Stops the authorizers' informers and closes the guarded Api (the trusted one is the caller's). */
  async stop(): Promise<void> {
    if (!this.abort) return;
    this.abort.abort();
    await this.guarded.close();
  }
}
