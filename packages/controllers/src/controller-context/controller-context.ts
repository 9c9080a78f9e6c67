import type { Api, Clock, KubeObject, Logger, ObjectCache } from '@flotilla/core';

/** The read side a workload controller needs: a shared informer cache per kind. */
export interface CacheSource {
  for<T extends KubeObject = KubeObject>(kind: string): { readonly cache: ObjectCache<T> };
}

/**
 * What every workload reconciler of this package is built from: the Api for
 * writes, informer caches for reads (never the Api: reconcilers are
 * level-triggered over the cache), and the Clock for every time decision.
 */
export interface ControllerContext {
  api: Api;
  clock: Clock;
  informers: CacheSource;
  logger: Logger;
}
