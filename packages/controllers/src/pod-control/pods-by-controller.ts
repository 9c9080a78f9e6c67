import { getControllerOf, type ObjectCache, type Pod } from '@flotilla/core';

const indexName = 'flotilla.controllers/controller-uid';
const indexed = new WeakSet<ObjectCache<Pod>>();

/**
 * The cached pods whose controller has this uid, through an index added to
 * the (shared) pod cache on first use, so a lookup costs the pods of one
 * owner rather than a scan of the namespace.
 */
export function podsControlledBy(cache: ObjectCache<Pod>, controllerUid: string): Readonly<Pod>[] {
  if (!indexed.has(cache)) {
    cache.addIndexer(indexName, (p) => {
      const ref = getControllerOf(p);
      return ref ? [ref.uid] : [];
    });
    indexed.add(cache);
  }
  return cache.byIndex(indexName, controllerUid);
}
