import {
  type Clock,
  type ClusterApi,
  EventRecorder,
  type KubeObject,
  type Logger,
  type Manager,
  type ObjectCache,
} from '@flotilla/core';
import { type EventSink, EventSpamFilter } from './event-spam-filter.js';

/** The read side of a workload controller: a shared informer cache per kind. */
export interface CacheSource {
  /** The shared informer (its cache) for `kind`. */
  for<T extends KubeObject = KubeObject>(kind: string): { readonly cache: ObjectCache<T> };
}

/**
 * What every workload reconciler of this package is built from: the Api for
 * writes, informer caches for reads (never the Api: reconcilers are
 * level-triggered over the cache), the Clock for every time decision, and,
 * optionally, an EventRecorder for the Events Kubernetes' controllers emit
 * (SuccessfulCreate, ScalingReplicaSet, ...). Without one, no Events are written.
 */
export interface ControllerContext {
  api: ClusterApi;
  clock: Clock;
  informers: CacheSource;
  logger: Logger;
  events?: EventSink;
}

/**
 * The context a controller registered on `manager` runs with: the manager's
 * Api, Clock and shared informers, a logger named `name`, and an
 * EventRecorder reporting as `component` (Kubernetes' names, such as
 * `replicaset-controller`) behind client-go's spam filter.
 */
export function managerContext(manager: Manager<ClusterApi>, name: string, component: string): ControllerContext {
  // Bound as `controller`, never `name`: pino writes its logger's own `name` as a key, and a second one would duplicate it.
  const logger = manager.logger.child({ controller: name });
  return {
    api: manager.api,
    clock: manager.clock,
    informers: manager.informers,
    logger,
    events: new EventSpamFilter(
      new EventRecorder(manager.api, { component, clock: manager.clock, logger }),
      manager.clock,
    ),
  };
}
