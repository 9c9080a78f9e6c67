import type { ClusterApi, ClusterRole, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { ClusterRoleAggregationReconciler } from './clusterrole-aggregation-controller.js';

/** Options of `registerClusterRoleAggregationController`. */
export type ClusterRoleAggregationRegisterOptions = RegisterOptions;

/**
 * Adds the `clusterrole-aggregation` controller: a change to any
 * ClusterRole re-checks every ClusterRole that aggregates others.
 */
export function registerClusterRoleAggregationController(
  manager: Manager<ClusterApi>,
  opts: ClusterRoleAggregationRegisterOptions = {},
): void {
  const roles = manager.informers.for<ClusterRole>('ClusterRole').cache;
  manager
    .controller('clusterrole-aggregation')
    .for('ClusterRole')
    .watches<ClusterRole>('ClusterRole', () =>
      roles
        .list()
        .filter((r) => r.aggregationRule)
        .map((r) => ({ name: r.metadata.name ?? '' })),
    )
    .concurrency(opts.concurrency ?? 1)
    .reconcile(
      new ClusterRoleAggregationReconciler(
        managerContext(manager, 'clusterrole-aggregation', 'clusterrole-aggregation-controller'),
      ),
    );
}
