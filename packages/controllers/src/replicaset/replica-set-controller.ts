import {
  compileLabelSelector,
  getControllerOf,
  type KubeObject,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  toTimestamp,
} from '@flotilla/core';
import { getCondition, removeCondition, setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';
import { claimObjects } from '../pod-control/pod-claim.js';
import { podFromTemplate } from '../pod-control/pod-from-template.js';
import { PodOwnerReconciler } from '../pod-control/pod-owner-reconciler.js';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../pod-control/pod-state.js';
import { claimCandidates, podsControlledBy } from '../pod-control/pods-by-controller.js';
import { podsToDelete } from './pod-deletion-order.js';
import type { ReplicaSetKind, ReplicaStatus } from './replica-set-kind.js';

/** At most this many pods are created or deleted in one sync (Kubernetes' `burstReplicas`). */
export const burstReplicas = 500;

/**
 * Keeps `spec.replicas` pods of a ReplicaSet (or ReplicationController)
 * running: Kubernetes' ReplicaSet controller as a Reconciler.
 *
 * One sync: claim pods (adopt matching orphans, release pods that stopped
 * matching), then, if the expectations of earlier syncs are met, create the
 * missing pods in slow-start batches or delete the surplus in Kubernetes'
 * deletion order (at most 500 either way), then write status
 * (replicas, fullyLabeled, ready, available after minReadySeconds,
 * observedGeneration, ReplicaFailure).
 *
 * Guarantees: level-triggered and idempotent; never creates or deletes on a
 * cache that has not caught up with its own previous writes (expectations);
 * a failed creation stops the sync, sets ReplicaFailure (reason FailedCreate)
 * and throws so the key is retried with backoff.
 *
 * Caveats: pod events must be forwarded to `observePodEvent`, which is what
 * `registerReplicaSetController` wires.
 */
export class ReplicaSetReconciler<T extends KubeObject> extends PodOwnerReconciler<T> {
  constructor(
    ctx: ControllerContext,
    private readonly kind: ReplicaSetKind<T>,
  ) {
    super(ctx, kind.kind);
  }

  protected async sync(set: Readonly<T>, key: string, req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const selector = compileLabelSelector(this.kind.selector(set));
    const candidates = claimCandidates(
      this.ctx.informers.for<Pod>('Pod').cache,
      set.metadata.uid ?? '',
      req.namespace,
    ).filter((p) => isPodActive(p) || getControllerOf(p)?.uid === set.metadata.uid);
    const owned = (await claimObjects(set, selector, candidates, this.ctx.api.resource('Pod'))).filter(isPodActive);

    let manageError: unknown;
    let remaining = owned;
    if (this.expectations.satisfied(key) && !set.metadata.deletionTimestamp) {
      const managed = await this.manageReplicas(set, key, owned);
      manageError = managed.error;
      // Status must not report pods this sync just deleted: the Deployment controller counts on it to stay within maxUnavailable.
      if (!manageError && managed.deleted.length > 0) remaining = owned.filter((p) => !managed.deleted.includes(p));
    }
    await this.writeStatus(set, remaining, manageError);
    if (manageError) throw manageError;
    const minReady = this.kind.minReadySeconds(set);
    const waits = owned.map((p) => msUntilAvailable(p, minReady, this.ctx.clock.now())).filter((w) => w !== undefined);
    return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  private async manageReplicas(
    set: Readonly<T>,
    key: string,
    owned: readonly Readonly<Pod>[],
  ): Promise<{ error?: unknown; deleted: readonly Readonly<Pod>[] }> {
    const diff = owned.length - this.kind.replicas(set);
    if (diff < 0) {
      const template = this.kind.template(set);
      if (!template) return { deleted: [] };
      const make = () => podFromTemplate(template, set, { generateName: `${set.metadata.name}-` });
      return {
        error: (await this.podControl.createPods(set, key, Math.min(-diff, burstReplicas), make)).error,
        deleted: [],
      };
    }
    if (diff > 0) {
      const victims = podsToDelete(owned, Math.min(diff, burstReplicas), this.relatedPods(set, owned));
      return { error: await this.podControl.deletePods(set, key, victims), deleted: victims };
    }
    return { deleted: [] };
  }

  /**
   * Pods whose placement counts for spreading: the set's own, plus those of
   * sibling sets under the same controller (a Deployment's old and new sets),
   * as Kubernetes' `getIndirectlyRelatedPods`.
   */
  private relatedPods(set: Readonly<T>, owned: readonly Readonly<Pod>[]): readonly Readonly<Pod>[] {
    const parent = getControllerOf(set);
    if (!parent) return owned;
    const pods = this.ctx.informers.for<Pod>('Pod').cache;
    return this.ctx.informers
      .for<T>(this.kind.kind)
      .cache.list({ namespace: set.metadata.namespace })
      .filter((s) => getControllerOf(s)?.uid === parent.uid)
      .flatMap((s) => podsControlledBy(pods, s.metadata.uid ?? ''))
      .filter(isPodActive);
  }

  private async writeStatus(set: Readonly<T>, owned: readonly Readonly<Pod>[], manageError: unknown): Promise<void> {
    const now = this.ctx.clock.now();
    const templateLabels = Object.entries(this.kind.template(set)?.metadata?.labels ?? {});
    const minReady = this.kind.minReadySeconds(set);
    const old = this.kind.status(set);
    let conditions = old?.conditions;
    if (manageError) {
      const message = messageOf(manageError);
      const reason = this.kind.replicas(set) > owned.length ? 'FailedCreate' : 'FailedDelete';
      const ts = toTimestamp(now);
      conditions = setCondition(conditions, {
        type: 'ReplicaFailure',
        status: 'True',
        reason,
        message,
        lastTransitionTime: ts,
      });
    } else if (getCondition(conditions, 'ReplicaFailure')) {
      conditions = removeCondition(conditions, 'ReplicaFailure');
    }
    const next: ReplicaStatus = {
      replicas: owned.length,
      fullyLabeledReplicas: owned.filter((p) => templateLabels.every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: owned.filter(isPodReady).length,
      availableReplicas: owned.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: set.metadata.generation,
      conditions,
    };
    if (sameStatus(old, next)) return;
    await this.ctx.api
      .resource<KubeObject>(this.kind.kind)
      .patchStatus(set.metadata.namespace ?? 'default', set.metadata.name, {
        status: { ...next, conditions: next.conditions?.length ? next.conditions : null },
      });
  }
}

function sameStatus(old: Partial<ReplicaStatus> | undefined, next: ReplicaStatus): boolean {
  return (
    old !== undefined &&
    old.replicas === next.replicas &&
    (old.fullyLabeledReplicas ?? 0) === next.fullyLabeledReplicas &&
    (old.readyReplicas ?? 0) === next.readyReplicas &&
    (old.availableReplicas ?? 0) === next.availableReplicas &&
    old.observedGeneration === next.observedGeneration &&
    JSON.stringify(old.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}
