import type { ClusterApi, ControllerSource, Manager, ResourceType } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { GarbageCollector } from './garbage-collector.js';

/**
 * Adds the garbage collector (default 20 workers, `--concurrent-gc-syncs`),
 * watching every kind registered on the manager's Api, now and later (as
 * Kubernetes' collector rediscovers resources).
 */
export function registerGarbageCollector(manager: Manager<ClusterApi>, opts: RegisterOptions = {}): GarbageCollector {
  const gc = new GarbageCollector(managerContext(manager, 'garbagecollector', 'garbage-collector-controller'));
  const source = (type: ResourceType): ControllerSource => ({
    informer: manager.informers.for(type.kind),
    toRequests: (event) => gc.observe(event),
  });
  const controller = manager.createController({
    name: 'garbagecollector',
    reconciler: gc,
    sources: manager.api.registry.all().map(source),
    concurrency: opts.concurrency ?? 20,
  });
  manager.api.registry.onRegister((type) => controller.watch(source(type)));
  return gc;
}
