import type { Clock } from '../clock/clock.js';
import type { Pod } from '../model/core-v1.js';
import type { BuiltinKind, BuiltinKinds } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { PodBindingTarget } from './binding.js';
import type { EvictionOptions } from './eviction.js';
import type { ResourceClient } from './types.js';

/**
 * What components need of a cluster's API, whether it runs in this process
 * (`Api`) or across the network (`RemoteApi`): a typed client per kind,
 * the kinds known, the clock, and the writes that are their own verbs.
 * The Manager, informers, the event recorder and node draining take this,
 * so they run unchanged on either.
 */
export interface ClusterApi {
  /** What informers, the Manager and leader election read time from by default. */
  readonly clock: Clock;
  /** The kinds known (their group, version, plural and scope). */
  readonly registry: ResourceRegistry;
  /** The client for a built-in kind, typed. */
  resource<K extends BuiltinKind>(kind: K): ResourceClient<BuiltinKinds[K]>;
  /** The client for any kind served. */
  resource<T extends KubeObject = KubeObject>(kind: string): ResourceClient<T>;
  /** Creates `obj` or makes the stored object match it. */
  apply<T extends KubeObject>(obj: T): Promise<T>;
  /** Binds a pod to a node, once and atomically. */
  bindPod(target: PodBindingTarget, nodeName: string): Promise<Pod>;
  /** Evicts a pod through its PodDisruptionBudget. */
  evict(namespace: string, name: string, opts?: EvictionOptions): Promise<void>;
  /** Resolves once custom kinds already defined are served (and known to `registry`). */
  ready(): Promise<void>;
  /** Releases what the Api holds (watches, connections). */
  close(): Promise<void>;
}
