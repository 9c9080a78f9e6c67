import type {
  InformerFactory,
  KubeObject,
  PodDisruptionBudget,
  ResourceRegistry,
  SharedInformer,
} from '@flotilla/core';
import type { SpreadControllerKind, WorkloadLister } from '../plugins/pod-topology-spread/default-selector.js';

const CONTROLLER_KINDS: readonly SpreadControllerKind[] = ['ReplicationController', 'ReplicaSet', 'StatefulSet'];

/** Kinds followed besides the controllers: Services (spreading) and PodDisruptionBudgets (preemption). */
const OTHER_KINDS = ['Service', 'PodDisruptionBudget'];

/**
 * A WorkloadLister over shared informers: Services, ReplicationControllers,
 * ReplicaSets, StatefulSets and PodDisruptionBudgets, read from their caches (kube-scheduler's
 * listers). A kind the registry does not serve is treated as empty, and
 * followed once it is registered.
 */
export class InformerWorkloadLister implements WorkloadLister {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  /** The last `services` answer and the Service cache revision it was read at. */
  private lastServices?: { namespace: string; revision: string; services: readonly KubeObject[] };

  constructor(factory: InformerFactory, registry: ResourceRegistry) {
    const follow = (kind: string) => {
      if (!this.informers.has(kind) && registry.find(kind)) this.informers.set(kind, factory.for(kind));
    };
    for (const kind of [...OTHER_KINDS, ...CONTROLLER_KINDS]) follow(kind);
    this.stopFollowing = registry.onRegister((t) => {
      if (OTHER_KINDS.includes(t.kind) || (CONTROLLER_KINDS as readonly string[]).includes(t.kind)) follow(t.kind);
    });
  }

  /** Stops following kinds registered later. */
  readonly stopFollowing: () => void;

  /** Resolves once every followed informer has listed. */
  get synced(): Promise<unknown> {
    return Promise.all([...this.informers.values()].map((i) => i.synced));
  }

  /**
   * The Services of a namespace, read again only once the Service cache has
   * moved to another revision: every pod without spread constraints asks,
   * and consecutive pods are mostly of one namespace.
   */
  services(namespace: string): readonly KubeObject[] {
    const informer = this.informers.get('Service');
    if (!informer) return [];
    const revision = informer.lastSyncResourceVersion();
    const last = this.lastServices;
    if (last?.namespace === namespace && last.revision === revision) return last.services;
    const services = informer.cache.list({ namespace });
    this.lastServices = { namespace, revision, services };
    return services;
  }

  controller(kind: SpreadControllerKind, namespace: string, name: string): KubeObject | undefined {
    return this.informers.get(kind)?.cache.get(namespace, name);
  }

  disruptionBudgets(namespace: string): readonly PodDisruptionBudget[] {
    return (this.informers.get('PodDisruptionBudget')?.cache.list({ namespace }) ?? []) as PodDisruptionBudget[];
  }
}
