import type { ClusterApi, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import { ignoreStatusOnlyUpdates } from '../controller-context/status-only-update.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { DeploymentReconciler } from './deployment-controller.js';

/**
 * Adds the Deployment controller (default 5 workers, `--concurrent-deployment-syncs`).
 * It owns ReplicaSets, and pod events of its sets wake it too (Recreate waits for old pods to go).
 */
export function registerDeploymentController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): DeploymentReconciler {
  const reconciler = new DeploymentReconciler(managerContext(manager, 'deployment', 'deployment-controller'));
  manager
    .controller('deployment')
    .for('Deployment')
    .owns('ReplicaSet')
    .withEventFilter(ignoreStatusOnlyUpdates('Deployment'))
    .concurrency(opts.concurrency ?? 5)
    .withOptions({ batchPeriodMs: opts.batchPeriodMs })
    .reconcile(reconciler);
  return reconciler;
}
