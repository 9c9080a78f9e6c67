import type { ClusterApi, DaemonSet, Manager, Node, Pod } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import { ignoreStatusOnlyUpdates } from '../controller-context/status-only-update.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { DaemonSetReconciler } from './daemonset-controller.js';
import { isIgnorableNodeUpdate } from './node-updates.js';

/**
 * Adds the DaemonSet controller (default 2 workers, `--concurrent-daemonset-syncs`).
 * It owns pods, and every Node event wakes every DaemonSet (a node added,
 * removed, relabelled or tainted can change where daemons run), except a
 * heartbeat-only status update (`isIgnorableNodeUpdate`). The echo of its
 * own status write wakes nothing (each sync walks every node).
 */
export function registerDaemonSetController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): DaemonSetReconciler {
  const reconciler = new DaemonSetReconciler(managerContext(manager, 'daemonset', 'daemonset-controller'));
  manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
    reconciler.observePodEvent(e.type, e.object, e.oldObject);
  });
  const daemonSets = manager.informers.for<DaemonSet>('DaemonSet').cache;
  manager
    .controller('daemonset')
    .for('DaemonSet')
    .owns('Pod')
    .watches('Node', () =>
      daemonSets.list().map((ds) => ({ namespace: ds.metadata.namespace, name: ds.metadata.name })),
    )
    .withEventFilter(ignoreStatusOnlyUpdates('DaemonSet'))
    .withEventFilter(
      (e) =>
        e.object.kind !== 'Node' ||
        e.type !== 'updated' ||
        !e.oldObject ||
        !isIgnorableNodeUpdate(e.oldObject as Readonly<Node>, e.object as Readonly<Node>),
    )
    .concurrency(opts.concurrency ?? 2)
    .reconcile(reconciler);
  return reconciler;
}
