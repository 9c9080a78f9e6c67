import type { ObjectCache, Pod } from '@flotilla/core';
import { withIndex } from './ensure-index.js';

/** The index name under which pods are indexed by `spec.nodeName` on the shared Pod informer. */
export const PODS_BY_NODE_INDEX = 'flotilla.controllers/pods-by-node';

/** The pods bound to `nodeName`, from the shared Pod informer's cache (indexed on first use). */
export function podsOnNode(informer: { readonly cache: ObjectCache<Pod> }, nodeName: string): readonly Readonly<Pod>[] {
  return withIndex(informer.cache, PODS_BY_NODE_INDEX, (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : [])).byIndex(
    PODS_BY_NODE_INDEX,
    nodeName,
  );
}
