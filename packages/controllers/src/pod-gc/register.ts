import type { ClusterApi, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { PodGarbageCollector, type PodGCOptions } from './pod-gc.js';

/**
 * Adds the pod garbage collector as a leader-only runnable on the manager's
 * Pod and Node informers. It runs one pass at a time, so `concurrency` does
 * not apply.
 */
export function registerPodGarbageCollector(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions & PodGCOptions = {},
): PodGarbageCollector {
  manager.informers.for('Pod');
  manager.informers.for('Node');
  const podGC = new PodGarbageCollector(managerContext(manager, 'podgc', 'pod-garbage-collector'), opts);
  manager.add(podGC);
  return podGC;
}
