import {
  disruptionBudgetCovers,
  type Pod,
  type PodDisruptionBudget,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  toTimestamp,
} from '@flotilla/core';
import { setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { scaledValue } from '../intstr/int-or-percent.js';
import { isPodReady } from '../pod-control/pod-state.js';
import { expectedScale } from './expected-scale.js';

type BudgetStatus = NonNullable<PodDisruptionBudget['status']>;

/** How long an evicted pod may take to be deleted before the budget stops counting it as disrupted (Kubernetes' `DeletionTimeout`). */
export const DISRUPTION_DELETION_TIMEOUT_MS = 2 * 60 * 1000;
/** The condition the controller keeps on each budget. */
export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';

/**
 * Kubernetes' disruption controller as a Reconciler: keeps each
 * PodDisruptionBudget's status, which `api.evict` reads.
 *
 * - `expectedPods`: the number of covered pods for an integer
 *   `minAvailable`; otherwise the pods their controllers want
 *   (`expectedScale`).
 * - `desiredHealthy`: `minAvailable` (a percentage rounds up), or
 *   `expectedPods - maxUnavailable` (rounding up), at least 0.
 * - `currentHealthy`: covered pods that are Ready, not being deleted and
 *   not just evicted (`disruptedPods`).
 * - `disruptionsAllowed`: `currentHealthy - desiredHealthy`, at least 0,
 *   and 0 with no expected pods.
 * - `disruptedPods`: evictions not yet seen as deletions; an entry older
 *   than two minutes is dropped (the pod was not deleted after all).
 * - condition `DisruptionAllowed` (SufficientPods / InsufficientPods /
 *   SyncFailed when a controller cannot be found for a percentage budget).
 *
 * Guarantees: level-triggered over the caches; requeues itself when a
 * disrupted-pod entry expires.
 */
export class DisruptionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const pdb = this.ctx.informers.for<PodDisruptionBudget>('PodDisruptionBudget').cache.get(req.namespace, req.name);
    if (!pdb) return undefined;
    const now = this.ctx.clock.now();
    const pods = this.ctx.informers
      .for<Pod>('Pod')
      .cache.list({ namespace: req.namespace })
      .filter((p) => disruptionBudgetCovers(pdb, p));
    const counts = this.expected(pdb, pods);
    if ('error' in counts) {
      const changed = await this.write(pdb, {
        ...this.base(pdb),
        disruptionsAllowed: 0,
        conditions: this.condition(pdb, 'False', 'SyncFailed', counts.error, now),
      });
      // Once per change of status, not once per sync: the budget stays failed until its pods change.
      if (changed) await this.ctx.events?.event(pdb, 'Warning', counts.reason, counts.error);
      return undefined;
    }
    const { disrupted, recheckAt } = this.disruptedPods(pdb, pods, now);
    const currentHealthy = pods.filter(
      (p) => !p.metadata.deletionTimestamp && !(p.metadata.name in disrupted) && isPodReady(p),
    ).length;
    let allowed = currentHealthy - counts.desiredHealthy;
    if (counts.expectedCount <= 0 || allowed <= 0) allowed = 0;
    await this.write(pdb, {
      ...this.base(pdb),
      disruptedPods: disrupted,
      disruptionsAllowed: allowed,
      currentHealthy,
      desiredHealthy: counts.desiredHealthy,
      expectedPods: counts.expectedCount,
      conditions:
        allowed > 0
          ? this.condition(pdb, 'True', 'SufficientPods', '', now)
          : this.condition(pdb, 'False', 'InsufficientPods', '', now),
    });
    return recheckAt === undefined ? undefined : { requeueAfterMs: Math.max(1, recheckAt - now) };
  }

  private base(pdb: Readonly<PodDisruptionBudget>): BudgetStatus {
    return {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      ...pdb.status,
      observedGeneration: pdb.metadata.generation,
    };
  }

  private condition(
    pdb: Readonly<PodDisruptionBudget>,
    status: 'True' | 'False',
    reason: string,
    message: string,
    now: number,
  ) {
    return setCondition(pdb.status?.conditions, {
      type: DISRUPTION_ALLOWED_CONDITION,
      status,
      reason,
      message,
      lastTransitionTime: toTimestamp(now),
      observedGeneration: pdb.metadata.generation,
    });
  }

  /** Kubernetes' `getExpectedPodCount`. */
  private expected(
    pdb: Readonly<PodDisruptionBudget>,
    pods: readonly Readonly<Pod>[],
  ): { expectedCount: number; desiredHealthy: number } | { error: string; reason: string } {
    const where = (field: string) => ({ kind: 'PodDisruptionBudget', name: pdb.metadata.name, field });
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (maxUnavailable !== undefined) {
      const scale = expectedScale(this.ctx.informers, this.ctx.api.registry, pods);
      if ('error' in scale) return scale;
      const max = scaledValue(maxUnavailable, 0, scale.count, true, where('spec.maxUnavailable'));
      return { expectedCount: scale.count, desiredHealthy: Math.max(0, scale.count - max) };
    }
    if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable };
    if (typeof minAvailable === 'string') {
      const scale = expectedScale(this.ctx.informers, this.ctx.api.registry, pods);
      if ('error' in scale) return scale;
      return {
        expectedCount: scale.count,
        desiredHealthy: scaledValue(minAvailable, 0, scale.count, true, where('spec.minAvailable')),
      };
    }
    return { expectedCount: 0, desiredHealthy: 0 };
  }

  /** Kubernetes' `buildDisruptedPodMap`: entries for pods still there, not deleted, and evicted under two minutes ago. */
  private disruptedPods(
    pdb: Readonly<PodDisruptionBudget>,
    pods: readonly Readonly<Pod>[],
    now: number,
  ): { disrupted: Record<string, string>; recheckAt?: number } {
    const recorded = pdb.status?.disruptedPods ?? {};
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    for (const pod of pods) {
      const at = recorded[pod.metadata.name];
      if (pod.metadata.deletionTimestamp || at === undefined) continue;
      const expires = Date.parse(at) + DISRUPTION_DELETION_TIMEOUT_MS;
      if (expires < now) continue;
      disrupted[pod.metadata.name] = at;
      recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
    }
    return { disrupted, recheckAt };
  }

  /** Writes the status if it changed; returns whether it did. */
  private async write(pdb: Readonly<PodDisruptionBudget>, status: BudgetStatus): Promise<boolean> {
    if (Object.keys(status.disruptedPods ?? {}).length === 0) delete status.disruptedPods;
    if (JSON.stringify(status) === JSON.stringify(pdb.status ?? {})) return false;
    await this.ctx.api.resource('PodDisruptionBudget').updateStatus({ ...structuredClone(pdb), status });
    return true;
  }
}
