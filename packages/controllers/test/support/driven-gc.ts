import { GarbageCollector } from '../../src/garbage-collector/garbage-collector.js';
import type { DrivenController, TestCluster } from './cluster.js';

/**
 * The garbage collector as a TestCluster driven controller: it observes the
 * informer events of every registered kind (call before `cluster.start`) and
 * each round reconciles the uids those events woke.
 */
export function drivenGarbageCollector(cluster: TestCluster): DrivenController & { gc: GarbageCollector } {
  const gc = new GarbageCollector(cluster.ctx);
  const pending = new Set<string>();
  for (const type of cluster.api.registry.all()) {
    cluster.informers.for(type.kind).events$.subscribe((e) => {
      for (const r of gc.observe(e)) pending.add(r.name);
    });
  }
  return {
    gc,
    reconciler: gc,
    requests: () => {
      const names = [...pending];
      pending.clear();
      return names.map((name) => ({ name }));
    },
  };
}
