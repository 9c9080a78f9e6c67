import { getControllerOf, type KubeObject, type ObjectCache, type Pod } from '@flotilla/core';

const indexName = 'flotilla.controllers/controller-uid';
const indexed = new WeakSet<ObjectCache<KubeObject>>();

/** The index key of the pods of `namespace` that have no controller (a NUL never occurs in a uid). */
const orphansOf = (namespace: string | undefined) => `\0orphans/${namespace ?? ''}`;

/** The (shared) cache with the controller index on it, added on first use. */
function withControllerIndex<T extends KubeObject>(cache: ObjectCache<T>): ObjectCache<T> {
  if (!indexed.has(cache as ObjectCache<KubeObject>)) {
    cache.addIndexer(indexName, (p) => {
      const ref = getControllerOf(p);
      return [ref ? ref.uid : orphansOf(p.metadata.namespace)];
    });
    indexed.add(cache as ObjectCache<KubeObject>);
  }
  return cache;
}

/**
 * The cached pods whose controller has this uid, through an index added to
 * the (shared) pod cache on first use, so a lookup costs the pods of one
 * owner rather than a scan of the namespace.
 */
export function podsControlledBy(cache: ObjectCache<Pod>, controllerUid: string): Readonly<Pod>[] {
  return withControllerIndex(cache).byIndex(indexName, controllerUid);
}

/**
 * Every object (pod, or a Deployment's ReplicaSets) a controller's claim can
 * act on: those it controls (kept, or released when they stop matching) and
 * those of its namespace that no one controls (adopted when they match).
 * Objects another controller holds are never claimed, so leaving them out
 * changes no claim, and the cost is that of the owner's objects and the
 * orphans rather than of the whole namespace (with 1,000 Deployments in one
 * namespace, a scan per sync made each Deployment sync cost all of them).
 */
export function claimCandidates<T extends KubeObject>(
  cache: ObjectCache<T>,
  controllerUid: string,
  namespace: string | undefined,
): Readonly<T>[] {
  const indexedCache = withControllerIndex(cache);
  return [...indexedCache.byIndex(indexName, controllerUid), ...indexedCache.byIndex(indexName, orphansOf(namespace))];
}
