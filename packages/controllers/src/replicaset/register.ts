import type { ClusterApi, KubeObject, Manager, Pod, ReplicaSet, ReplicationController } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import { ignoreStatusOnlyUpdates } from '../controller-context/status-only-update.js';
import { replicationControllerKind } from '../replicationcontroller/replication-controller-kind.js';
import { podReplicaInputsChanged } from './replica-inputs.js';
import { ReplicaSetReconciler } from './replica-set-controller.js';
import type { ReplicaSetKind } from './replica-set-kind.js';
import { replicaSetKind } from './replica-set-kind.js';

/** Options shared by every `register*Controller` function of this package. */
export interface RegisterOptions {
  /** Keys reconciled at once. */
  concurrency?: number;
  /**
   * Batches event-driven reconciles (core's `ControllerBuilderOptions.batchPeriodMs`): a burst of pod changes
   * becomes one reconcile, which keeps a large ReplicaSet from re-reading all its pods once per pod. Default 0.
   * Honoured by the ReplicaSet, ReplicationController and Deployment controllers.
   */
  batchPeriodMs?: number;
}

function register<T extends KubeObject>(
  manager: Manager<ClusterApi>,
  name: string,
  kind: ReplicaSetKind<T>,
  opts: RegisterOptions,
): ReplicaSetReconciler<T> {
  const reconciler = new ReplicaSetReconciler<T>(managerContext(manager, name, `${name}-controller`), kind);
  manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
    reconciler.observePodEvent(e.type, e.object, e.oldObject);
  });
  manager
    .controller(name)
    .for(kind.kind)
    .owns('Pod')
    .withEventFilter(podReplicaInputsChanged)
    .withEventFilter(ignoreStatusOnlyUpdates(kind.kind))
    .concurrency(opts.concurrency ?? 5)
    .withOptions({ batchPeriodMs: opts.batchPeriodMs })
    .reconcile(reconciler);
  return reconciler;
}

/** Adds the ReplicaSet controller (default 5 workers, as kube-controller-manager's `--concurrent-replicaset-syncs`). */
export function registerReplicaSetController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): ReplicaSetReconciler<ReplicaSet> {
  return register(manager, 'replicaset', replicaSetKind, opts);
}

/** Adds the ReplicationController controller (default 5 workers, `--concurrent-rc-syncs`). */
export function registerReplicationControllerController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): ReplicaSetReconciler<ReplicationController> {
  return register(manager, 'replicationcontroller', replicationControllerKind, opts);
}
