import type { ObjectCache, Pod } from '@flotilla/core';

/** The index name under which pods are indexed by `spec.nodeName` on the shared Pod informer. */
export const PODS_BY_NODE_INDEX = 'flotilla.controllers/pods-by-node';

const indexed = new WeakSet<object>();

/**
 * The pods bound to `nodeName`, from the shared Pod informer's cache,
 * through an index added on first use (every controller of this package
 * shares the one index, so it costs one map per informer).
 */
export function podsOnNode(informer: { readonly cache: ObjectCache<Pod> }, nodeName: string): readonly Readonly<Pod>[] {
  const cache = informer.cache;
  if (!indexed.has(cache)) {
    cache.addIndexer(PODS_BY_NODE_INDEX, (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
    indexed.add(cache);
  }
  return cache.byIndex(PODS_BY_NODE_INDEX, nodeName);
}
