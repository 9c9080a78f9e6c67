import { aggregatedRules, type ClusterRole, isReason, type ReconcileRequest, type Reconciler } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';

const sameRules = (a: ClusterRole['rules'], b: ClusterRole['rules']) =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * Kubernetes' ClusterRole aggregation controller: keeps the rules of every
 * ClusterRole with an `aggregationRule` equal to the rules of the
 * ClusterRoles its selectors match (`aggregatedRules`), so `admin`, `edit`
 * and `view` grow with roles labelled `aggregate-to-*`.
 *
 * Guarantees: idempotent (no write when the rules already match); a
 * conflict is retried by the work queue with the newer version.
 */
export class ClusterRoleAggregationReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<undefined> {
    const cache = this.ctx.informers.for<ClusterRole>('ClusterRole').cache;
    const role = cache.get(undefined, req.name);
    if (!role) return undefined;
    const rules = aggregatedRules(role, cache.list());
    if (!rules || sameRules(rules, role.rules)) return undefined;
    try {
      await this.ctx.api.resource('ClusterRole').update({ ...structuredClone(role), rules });
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
    return undefined;
  }
}
