import { getControllerOf, type ObjectCache, type Pod } from '@flotilla/core';

const indexName = 'flotilla.controllers/controller-uid';
const indexed = new WeakSet<ObjectCache<Pod>>();

/** The index key of the pods of `namespace` that have no controller (a NUL never occurs in a uid). */
const orphansOf = (namespace: string | undefined) => `\0orphans/${namespace ?? ''}`;

/** The (shared) pod cache with the controller index on it, added on first use. */
function withControllerIndex(cache: ObjectCache<Pod>): ObjectCache<Pod> {
  if (!indexed.has(cache)) {
    cache.addIndexer(indexName, (p) => {
      const ref = getControllerOf(p);
      return [ref ? ref.uid : orphansOf(p.metadata.namespace)];
    });
    indexed.add(cache);
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
 * Every pod a controller's claim can act on: those it controls (kept, or
 * released when they stop matching) and those of its namespace that no one
 * controls (adopted when they match). Pods another controller holds are
 * never claimed, so leaving them out changes no claim, and the cost is that
 * of the owner's pods and the orphans rather than of the whole namespace.
 */
export function claimCandidates(
  cache: ObjectCache<Pod>,
  controllerUid: string,
  namespace: string | undefined,
): Readonly<Pod>[] {
  const indexedCache = withControllerIndex(cache);
  return [...indexedCache.byIndex(indexName, controllerUid), ...indexedCache.byIndex(indexName, orphansOf(namespace))];
}
