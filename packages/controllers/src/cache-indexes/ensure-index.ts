import type { IndexFunc, KubeObject, ObjectCache } from '@flotilla/core';

const added = new WeakMap<object, Set<string>>();

/**
 * Adds the index `name` to a shared informer cache the first time any
 * controller of this package asks for it, and returns the cache. Several
 * controllers share one informer, so the index is built once per cache.
 *
 * Caveat: the first caller's `fn` wins; use one name per index function.
 */
export function withIndex<T extends KubeObject>(cache: ObjectCache<T>, name: string, fn: IndexFunc<T>): ObjectCache<T> {
  let names = added.get(cache);
  if (!names) {
    names = new Set();
    added.set(cache, names);
  }
  if (!names.has(name)) {
    cache.addIndexer(name, fn);
    names.add(name);
  }
  return cache;
}
