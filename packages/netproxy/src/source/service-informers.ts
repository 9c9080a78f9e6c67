import type { Clock, KubeObject, Service, SharedInformer } from '@flotilla/core';
import type { EndpointSlice } from '../state/discovery-types.js';
import type { ProxyInput } from '../state/proxy-state.js';

/** Where Services and EndpointSlices come from: core's `InformerFactory` (or anything with its `for`). */
export interface ServiceInformers {
  /** The shared informer for `kind` (`Service`, `EndpointSlice`). */
  for<T extends KubeObject = KubeObject>(kind: string): SharedInformer<T>;
  /** The informers' clock (an `InformerFactory` has one): the proxy's default clock. */
  readonly clock?: Clock;
}

/** The node facts and options of a `ProxyInput`, without the objects. */
export type NodeInput = Omit<ProxyInput, 'services' | 'endpointSlices'>;

/** The two shared informers the proxy follows, taken once from the factory. */
export class ServiceSource {
  readonly services: SharedInformer<Service>;
  readonly endpointSlices: SharedInformer<EndpointSlice>;

  constructor(informers: ServiceInformers) {
    this.services = informers.for<Service>('Service');
    this.endpointSlices = informers.for<EndpointSlice>('EndpointSlice');
  }

  /** Resolves when both caches hold their initial list. */
  async synced(): Promise<void> {
    await Promise.all([this.services.synced, this.endpointSlices.synced]);
  }

  /** The current caches as a proxy input (cached objects are frozen, which lets partial syncs skip them). */
  input(node: NodeInput): ProxyInput {
    return { ...node, services: this.services.cache.list(), endpointSlices: this.endpointSlices.cache.list() };
  }

  /** Calls `onChange` after every cache change of either kind; returns the unsubscribe function. */
  onChange(onChange: () => void): () => void {
    const a = this.services.events$.subscribe(() => onChange());
    const b = this.endpointSlices.events$.subscribe(() => onChange());
    return () => {
      a.unsubscribe();
      b.unsubscribe();
    };
  }
}
