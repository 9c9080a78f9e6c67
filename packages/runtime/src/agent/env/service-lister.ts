import type { Service, SharedInformer } from '@flotilla/core';
import type { EnvSources } from './container-env.js';

/**
 * The namespace's Services read from a Service informer's cache, as the
 * kubelet reads its service lister: no Api call and no copy per container
 * start, so many agents in one process share one watch and one cache.
 * Waits for the informer's first list, since variables built from a cache
 * that has not synced would silently leave Services out (the kubelet refuses
 * to build them until its informer has synced, for the same reason).
 */
export function serviceLister(informer: SharedInformer<Service>): EnvSources['services'] {
  return async (namespace) => {
    if (!informer.hasSynced()) await informer.synced;
    return informer.cache.list({ namespace });
  };
}
