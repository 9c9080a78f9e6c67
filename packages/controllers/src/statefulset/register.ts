import type { ClusterApi, Manager, PersistentVolumeClaim, StatefulSet } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { StatefulSetReconciler } from './statefulset-controller.js';

/**
 * Adds the StatefulSet controller (default 5 workers, `--concurrent-statefulset-syncs`).
 * It owns pods and ControllerRevisions; a claim event wakes the sets of its
 * namespace (a stale claim going away lets an ordinal's pod be made again).
 */
export function registerStatefulSetController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): StatefulSetReconciler {
  const reconciler = new StatefulSetReconciler(managerContext(manager, 'statefulset', 'statefulset-controller'));
  const sets = manager.informers.for<StatefulSet>('StatefulSet').cache;
  manager
    .controller('statefulset')
    .for('StatefulSet')
    .owns('Pod')
    .owns('ControllerRevision')
    .watches<PersistentVolumeClaim>('PersistentVolumeClaim', (claim) =>
      sets
        .list({ namespace: claim.metadata.namespace })
        .map((s) => ({ namespace: s.metadata.namespace, name: s.metadata.name })),
    )
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  return reconciler;
}
