import type { ControllerRegistration } from '@flotilla/controllers';
import {
  Api,
  type AuthorizedApi,
  AuthorizerChain,
  type ClusterApi,
  type DefaultFieldManager,
  ensureBootstrapRbac,
  type FieldManager,
  type Identity,
  InformerFactory,
  NODE_USER_PREFIX,
  NODES_GROUP,
  NodeAuthorizer,
  type Pod,
  RbacAuthorizer,
  type UserInfo,
} from '@flotilla/core';

/** How the cluster authorizes its components' calls, as kube-apiserver's `--authorization-mode`. */
export type AuthorizationMode = 'AlwaysAllow' | 'RBAC';

/**
 * The ServiceAccount (in `kube-system`) each controller of the preset acts
 * as, bound to its bootstrap role `system:controller:<account>`: the names
 * kube-controller-manager gives them with `--use-service-account-credentials`.
 * The service controller has none: it allocates ClusterIPs and NodePorts
 * at admission, which is kube-apiserver's own work in Kubernetes.
 */
export const controllerServiceAccounts: Readonly<Record<string, string>> = {
  replicaset: 'replicaset-controller',
  replicationcontroller: 'replication-controller',
  deployment: 'deployment-controller',
  nodelifecycle: 'node-controller',
  daemonset: 'daemon-set-controller',
  statefulset: 'statefulset-controller',
  disruption: 'disruption-controller',
  job: 'job-controller',
  cronjob: 'cronjob-controller',
  garbagecollector: 'generic-garbage-collector',
  podgc: 'pod-garbage-collector',
  endpoint: 'endpoint-controller',
  endpointslice: 'endpointslice-controller',
  namespace: 'namespace-controller',
  serviceaccount: 'service-account-controller',
  horizontalpodautoscaling: 'horizontal-pod-autoscaler',
  'persistentvolume-binder': 'persistent-volume-binder',
  'clusterrole-aggregation': 'clusterrole-aggregation-controller',
};

/** The identity each component acts as: Kubernetes' bootstrap users, bound by `ensureBootstrapRbac`. */
export const componentIdentities = {
  /** The controller manager's own user: its shared informers and leader election (`system:kube-controller-manager`). */
  controllerManager: { user: 'system:kube-controller-manager' },
  /** A controller's ServiceAccount user, e.g. `system:serviceaccount:kube-system:deployment-controller`. */
  controller: (account: string): Identity => ({ user: `system:serviceaccount:kube-system:${account}` }),
  /** Bound to the ClusterRole `system:kube-scheduler`. */
  scheduler: { user: 'system:kube-scheduler' },
  /** kube-proxy's user, bound to `system:node-proxier`; the cluster DNS follows services with it too. */
  proxy: { user: 'system:kube-proxy' },
  /** A node agent: served by the Node authorizer. */
  node: (name: string): Identity => ({ user: `${NODE_USER_PREFIX}${name}`, groups: [NODES_GROUP] }),
};

const controllerAccountUsers = new Set(
  Object.values(controllerServiceAccounts).map((account) => componentIdentities.controller(account).user),
);

/**
 * The field manager Kubernetes records a component's write under: the
 * program that sent it (`kube-controller-manager`, `kubelet`,
 * `kube-scheduler`, `kube-proxy`), told here by the user the component acts
 * as. Writes of the cluster's trusted callers (the walkthrough, the service
 * controller) and of anyone else are `flotilla`'s.
 */
export const componentFieldManager = (requester: UserInfo | undefined): string => {
  const user = requester?.username ?? '';
  if (user === componentIdentities.controllerManager.user || controllerAccountUsers.has(user)) {
    return 'kube-controller-manager';
  }
  if (user.startsWith(NODE_USER_PREFIX)) return 'kubelet';
  if (user === componentIdentities.scheduler.user) return 'kube-scheduler';
  if (user === componentIdentities.proxy.user) return 'kube-proxy';
  return 'flotilla';
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

  /**
   * Records managedFields in the Api the components write through (see
   * `Api.setFieldManager`): with RBAC it is an Api of its own over the
   * cluster's store, which the trusted Api's recorder does not reach.
   */
  setFieldManager(fieldManager: FieldManager, defaultManager: DefaultFieldManager): void {
    this.guarded.setFieldManager(fieldManager, defaultManager);
  }

  /** The Api as `identity` sees it: every call authorized by the cluster's chain. */
  as(identity: Identity): AuthorizedApi {
    return this.guarded.as(identity);
  }

  /**
   * The preset's registrations, each adding its controller through a view
   * of the manager that acts as the controller's ServiceAccount (see
   * `controllerServiceAccounts`); one without an account gets `trusted`.
   */
  controllers(registrations: readonly ControllerRegistration[], trusted: ClusterApi): ControllerRegistration[] {
    return registrations.map((r) => {
      const account = controllerServiceAccounts[r.name];
      const api = account ? this.as(componentIdentities.controller(account)) : trusted;
      return { ...r, register: (manager, opts) => r.register(manager.withApi(api), opts) };
    });
  }

  /** Stops the authorizers' informers and closes the guarded Api (the trusted one is the caller's). */
  async stop(): Promise<void> {
    if (!this.abort) return;
    this.abort.abort();
    await this.guarded.close();
  }
}
