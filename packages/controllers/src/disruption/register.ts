import {
  type ClusterApi,
  disruptionBudgetCovers,
  type Manager,
  type Pod,
  type PodDisruptionBudget,
} from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { DisruptionReconciler } from './disruption-controller.js';

/**
 * Adds the disruption controller (kube-controller-manager's `disruption`,
 * one worker): a pod event wakes every budget covering the pod; a
 * workload's scale change reaches the budgets through the pods it changes.
 */
export function registerDisruptionController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): DisruptionReconciler {
  const reconciler = new DisruptionReconciler(managerContext(manager, 'disruption', 'controllermanager'));
  const budgets = manager.informers.for<PodDisruptionBudget>('PodDisruptionBudget').cache;
  manager
    .controller('disruption')
    .for('PodDisruptionBudget')
    .watches<Pod>('Pod', (pod) =>
      budgets
        .list({ namespace: pod.metadata.namespace })
        .filter((b) => disruptionBudgetCovers(b, pod))
        .map((b) => ({ namespace: b.metadata.namespace, name: b.metadata.name })),
    )
    .concurrency(opts.concurrency ?? 1)
    .reconcile(reconciler);
  return reconciler;
}
