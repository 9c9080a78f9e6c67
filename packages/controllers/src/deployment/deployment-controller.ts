import {
  compileLabelSelector,
  type Deployment,
  getControllerOf,
  isReason,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type ReplicaSet,
  setControllerReference,
} from '@flotilla/core';
import { getCondition, setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';

import { claimObjects } from '../pod-control/pod-claim.js';
import { isPodActive, isPodAvailable, isPodFinished } from '../pod-control/pod-state.js';
import { claimCandidates, podsControlledBy } from '../pod-control/pods-by-controller.js';
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  revisionOf,
  userAnnotations,
} from './annotations.js';
import {
  calculateStatus,
  condition,
  DeploymentReason,
  isDeploymentComplete,
  msUntilDeadlineCheck,
  type ReplicaSetStatusCounts,
  withProgress,
} from './deployment-status.js';
import { podTemplateHash, podTemplateHashLabel, templatesEqualIgnoringHash } from './pod-template-hash.js';
import { proportionalTargets } from './proportional-scaling.js';
import {
  deploymentFenceposts,
  maxUnavailableOf,
  newReplicaSetTarget,
  oldReplicaSetTargets,
  type ReplicaSetCounts,
} from './rolling-math.js';

/** Default `spec.revisionHistoryLimit`: old ReplicaSets kept for rollback. */
export const defaultRevisionHistoryLimit = 10;

type RS = Readonly<ReplicaSet>;

const specReplicas = (rs: RS) => rs.spec.replicas ?? 1;
const created = (rs: RS) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
const statusCounts = (rs: RS): ReplicaSetStatusCounts => ({
  name: rs.metadata.name,
  specReplicas: specReplicas(rs),
  replicas: rs.status?.replicas ?? 0,
  readyReplicas: rs.status?.readyReplicas ?? 0,
  availableReplicas: rs.status?.availableReplicas ?? 0,
});

/**
 * Rolls a Deployment's pod template out through ReplicaSets: Kubernetes'
 * Deployment controller as a Reconciler.
 *
 * One sync: claim ReplicaSets matching the selector; find (or create) the
 * ReplicaSet for the current template, named `<deployment>-<pod-template-hash>`;
 * then, in Kubernetes' order: paused or resized mid-rollout -> proportional
 * scaling only; Recreate -> old sets to 0, wait for their pods to go, new set
 * to full size; RollingUpdate -> grow the new set within `replicas + maxSurge`
 * or shrink old sets within `replicas - maxUnavailable` available. Completed
 * rollouts prune old sets beyond `revisionHistoryLimit`. Status carries the
 * counts and the Available / Progressing conditions (ProgressDeadlineExceeded
 * after `progressDeadlineSeconds` without progress).
 *
 * Guarantees: level-triggered (only cached state is read); every write is
 * compare-and-swap on the cached revision, so two syncs racing on stale data
 * cannot both succeed; availability is counted on the cached pods of each
 * set (not its possibly stale status), so pod counts stay within the surge
 * and unavailability bounds; a resize mid-rollout grows sets only after the
 * sets it shrinks have lost their pods, and shrinks no further than keeps
 * `replicas - maxUnavailable` pods available.
 *
 * Caveats: relies on the ReplicaSet controller to create and delete pods.
 * Unlike Kubernetes, which applies a resize at once, a resize that would
 * cost availability waits for pods to become available, so with pods that
 * never become ready part of a scale-down is held back (the rollout is then
 * stuck anyway and Progressing times out).
 */
export class DeploymentReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  /**
   * A set's size and availability for the rollout arithmetic. Availability
   * is counted on its cached pods, not read from its status: status lags
   * both ways (a pod someone just deleted, a pod that just became ready), and
   * trusting it would let a scale-down go below `replicas - maxUnavailable`
   * or clean up a pod that is in fact serving.
   */
  private counts(rs: RS): ReplicaSetCounts {
    const now = this.ctx.clock.now();
    const minReady = rs.spec.minReadySeconds ?? 0;
    const available = this.podsOf(rs).filter((p) => isPodActive(p) && isPodAvailable(p, minReady, now)).length;
    return {
      name: rs.metadata.name,
      replicas: specReplicas(rs),
      available,
      created: created(rs),
    };
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const d = this.ctx.informers.for<Deployment>('Deployment').cache.get(req.namespace, req.name);
    if (!d) return undefined;
    const selector = compileLabelSelector(d.spec.selector);
    const candidates = claimCandidates(
      this.ctx.informers.for<ReplicaSet>('ReplicaSet').cache,
      d.metadata.uid ?? '',
      req.namespace,
    );
    const rsList = await claimObjects(d, selector, candidates, this.ctx.api.resource('ReplicaSet'));
    if (d.metadata.deletionTimestamp) return this.syncStatus(d, rsList, false);

    const paused = await this.checkPausedCondition(d);
    if (paused) return undefined;
    if (d.spec.paused || this.isScalingEvent(d, rsList)) return this.syncScale(d, rsList);
    if (d.spec.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  private async rolloutRolling(d: Readonly<Deployment>, rsList: readonly RS[]): Promise<ReconcileResult | undefined> {
    const { newRS, oldRSs } = await this.newAndOld(d, rsList, true);
    if (!newRS) return undefined;
    const all = [...oldRSs, newRS];
    const replicas = d.spec.replicas ?? 1;
    if (specReplicas(newRS) !== replicas) {
      const target =
        specReplicas(newRS) > replicas
          ? replicas
          : newReplicaSetTarget(
              d,
              all.map((rs) => this.counts(rs)),
              specReplicas(newRS),
            );
      if (target !== specReplicas(newRS)) {
        const scaled = await this.scaleReplicaSet(d, newRS, target);
        return this.syncStatus(d, [...oldRSs, scaled], true, scaled);
      }
    }
    const targets = oldReplicaSetTargets(
      d,
      oldRSs.map((rs) => this.counts(rs)),
      this.counts(newRS),
    );
    if (targets.size > 0) {
      const scaled = await Promise.all(
        oldRSs.map((rs) => {
          const target = targets.get(rs.metadata.name);
          return target === undefined ? rs : this.scaleReplicaSet(d, rs, target);
        }),
      );
      return this.syncStatus(d, [...scaled, newRS], true, newRS);
    }
    if (isDeploymentComplete(d, calculateStatus(d, all.map(statusCounts), statusCounts(newRS), this.ctx.clock.now()))) {
      await this.cleanupOldReplicaSets(d, oldRSs);
    }
    return this.syncStatus(d, all, true, newRS);
  }

  private async rolloutRecreate(d: Readonly<Deployment>, rsList: readonly RS[]): Promise<ReconcileResult | undefined> {
    const first = await this.newAndOld(d, rsList, false);
    const active = first.oldRSs.filter((rs) => specReplicas(rs) > 0);
    if (active.length > 0) {
      const scaled = await Promise.all(first.oldRSs.map((rs) => this.scaleReplicaSet(d, rs, 0)));
      return this.syncStatus(d, first.newRS ? [...scaled, first.newRS] : scaled, true, first.newRS);
    }
    const oldUids = new Set(first.oldRSs.map((rs) => rs.metadata.uid));
    const oldPodsRunning = this.ctx.informers
      .for<Pod>('Pod')
      .cache.list({ namespace: d.metadata.namespace })
      .some((p) => oldUids.has(getControllerOf(p)?.uid) && !isPodFinished(p));
    if (oldPodsRunning) return this.syncStatus(d, rsList, true, first.newRS);
    const { newRS, oldRSs } = first.newRS ? first : await this.newAndOld(d, rsList, true);
    if (!newRS) return undefined;
    const scaled = await this.scaleReplicaSet(d, newRS, d.spec.replicas ?? 1);
    const all = [...oldRSs, scaled];
    if (
      isDeploymentComplete(d, calculateStatus(d, all.map(statusCounts), statusCounts(scaled), this.ctx.clock.now()))
    ) {
      await this.cleanupOldReplicaSets(d, oldRSs);
    }
    return this.syncStatus(d, all, true, scaled);
  }

  /** Paused, or resized while sets of another size are active: proportional scaling, no rollout. */
  private async syncScale(d: Readonly<Deployment>, rsList: readonly RS[]): Promise<ReconcileResult | undefined> {
    const { newRS, oldRSs } = await this.newAndOld(d, rsList, false);
    const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    const replicas = d.spec.replicas ?? 1;
    let sizes: Map<string, number>;
    const latest = newRS ?? [...oldRSs].sort((a, b) => created(b) - created(a))[0];
    if (active.length <= 1) {
      const only = active[0] ?? latest;
      sizes = only ? new Map([[only.metadata.name, replicas]]) : new Map();
    } else if (
      newRS &&
      specReplicas(newRS) === replicas &&
      newRS.metadata.annotations?.[desiredReplicasAnnotation] === String(replicas) &&
      (newRS.status?.availableReplicas ?? 0) === replicas
    ) {
      sizes = new Map(oldRSs.filter((rs) => specReplicas(rs) > 0).map((rs) => [rs.metadata.name, 0]));
    } else {
      const scalable = active.map((rs) => ({
        ...this.counts(rs),
        maxReplicasAnnotation: Number.parseInt(rs.metadata.annotations?.[maxReplicasAnnotation] ?? '', 10) || undefined,
      }));
      sizes = proportionalTargets(d, scalable, d.status?.replicas ?? 0);
    }
    sizes = this.keepMinimumAvailable(d, all, sizes);
    // Grow sets only once the sets this resize shrinks have lost their pods, so the two
    // ReplicaSet syncs never race to more than replicas + maxSurge pods.
    const shrinking = all.some(
      (rs) =>
        (sizes.get(rs.metadata.name) ?? specReplicas(rs)) < specReplicas(rs) || this.activePods(rs) > specReplicas(rs),
    );
    const scaled = await Promise.all(
      all.map((rs) => {
        const size = sizes.get(rs.metadata.name);
        if (size === undefined || (shrinking && size > specReplicas(rs))) return rs;
        return this.scaleReplicaSet(d, rs, size);
      }),
    );
    const scaledNew = newRS && scaled.find((rs) => rs.metadata.name === newRS.metadata.name);
    if (d.spec.paused)
      await this.cleanupOldReplicaSets(
        d,
        scaled.filter((rs) => rs !== scaledNew),
      );
    return this.syncStatus(d, scaled, false, scaledNew);
  }

  /**
   * Limits the shrinking of a resize so that the pods it deletes (a
   * ReplicaSet deletes its not-available pods first) leave at least
   * `replicas - maxUnavailable` available; the rest of the decrease waits
   * for a later sync, when more pods are available.
   */
  private keepMinimumAvailable(
    d: Readonly<Deployment>,
    all: readonly RS[],
    sizes: ReadonlyMap<string, number>,
  ): Map<string, number> {
    const out = new Map(sizes);
    const counted = all.map((rs) => ({ rs, pods: this.activePods(rs), available: this.counts(rs).available }));
    let spare = counted.reduce((sum, c) => sum + c.available, 0) - ((d.spec.replicas ?? 1) - maxUnavailableOf(d));
    for (const { rs, pods, available } of counted) {
      const target = out.get(rs.metadata.name);
      if (target === undefined || target >= pods) continue;
      const availableLost = Math.max(0, available - target);
      const allowed = Math.min(availableLost, Math.max(0, spare));
      spare -= allowed;
      out.set(rs.metadata.name, target + availableLost - allowed);
    }
    return out;
  }

  private podsOf(rs: RS): readonly Readonly<Pod>[] {
    return podsControlledBy(this.ctx.informers.for<Pod>('Pod').cache, rs.metadata.uid ?? '');
  }

  /** Pods of the set that are neither finished nor terminating. */
  private activePods(rs: RS): number {
    return this.podsOf(rs).filter(isPodActive).length;
  }

  /** Kubernetes' `isScalingEvent`: an active set was sized for a different `spec.replicas`. */
  private isScalingEvent(d: Readonly<Deployment>, rsList: readonly RS[]): boolean {
    const replicas = String(d.spec.replicas ?? 1);
    return rsList.some(
      (rs) =>
        specReplicas(rs) > 0 &&
        rs.metadata.annotations?.[desiredReplicasAnnotation] !== undefined &&
        rs.metadata.annotations[desiredReplicasAnnotation] !== replicas,
    );
  }

  /** Sets Progressing to DeploymentPaused / DeploymentResumed when `spec.paused` flips; true if it wrote. */
  private async checkPausedCondition(d: Readonly<Deployment>): Promise<boolean> {
    const cond = getCondition(d.status?.conditions, 'Progressing');
    const now = this.ctx.clock.now();
    let next: ReturnType<typeof condition> | undefined;
    if (d.spec.paused && cond?.reason !== DeploymentReason.DeploymentPaused) {
      next = condition('Progressing', 'Unknown', DeploymentReason.DeploymentPaused, 'Deployment is paused', now);
    } else if (!d.spec.paused && cond?.reason === DeploymentReason.DeploymentPaused) {
      next = condition('Progressing', 'Unknown', DeploymentReason.DeploymentResumed, 'Deployment is resumed', now);
    }
    if (!next) return false;
    await this.ctx.api.resource('Deployment').updateStatus({
      ...structuredClone(d),
      status: { ...d.status, conditions: setCondition(d.status?.conditions, next) },
    });
    return true;
  }

  /**
   * The ReplicaSet of the current template (created when `create` and
   * missing) and the others. The new set's revision becomes max(old) + 1;
   * a reused old set records its former revision in `revision-history`.
   */
  private async newAndOld(
    d: Readonly<Deployment>,
    rsList: readonly RS[],
    create: boolean,
  ): Promise<{ newRS?: RS; oldRSs: RS[] }> {
    const sorted = [...rsList].sort((a, b) => created(a) - created(b));
    const existing = sorted.find(
      (rs) => rs.spec.template && templatesEqualIgnoringHash(rs.spec.template, d.spec.template),
    );
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const revision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    if (existing) {
      const current = revisionOf(existing);
      if (current >= revision) return { newRS: existing, oldRSs };
      const updated = structuredClone(existing) as ReplicaSet;
      const annotations: Record<string, string> = {
        ...updated.metadata.annotations,
        [revisionAnnotation]: String(revision),
      };
      if (current > 0) {
        const history = existing.metadata.annotations?.[revisionHistoryAnnotation];
        annotations[revisionHistoryAnnotation] = history ? `${history},${current}` : String(current);
      }
      updated.metadata.annotations = annotations;
      const stored = await this.ctx.api.resource('ReplicaSet').update(updated);
      await this.recordRevision(d, revision);
      return { newRS: stored, oldRSs };
    }
    if (!create) return { oldRSs };
    return { newRS: await this.createNewReplicaSet(d, oldRSs, revision), oldRSs };
  }

  private async createNewReplicaSet(d: Readonly<Deployment>, oldRSs: readonly RS[], revision: number): Promise<RS> {
    const collisionCount = d.status?.collisionCount ?? 0;
    const hash = podTemplateHash(d.spec.template, collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash },
    };
    const replicas = d.spec.replicas ?? 1;
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const newCount =
      d.spec.strategy?.type === 'Recreate'
        ? replicas
        : newReplicaSetTarget(
            d,
            oldRSs.map((rs) => this.counts(rs)),
            0,
          );
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          ...userAnnotations(d.metadata.annotations),
          [revisionAnnotation]: String(revision),
          [desiredReplicasAnnotation]: String(replicas),
          [maxReplicasAnnotation]: String(replicas + deploymentFenceposts(d).maxSurge),
        },
      },
      spec: { replicas: newCount, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    try {
      const stored = await this.ctx.api.resource('ReplicaSet').create(setControllerReference(d, rs));
      if (newCount > 0) await this.recordScaling(d, stored.metadata.name, 0, newCount);
      await this.recordRevision(d, revision);
      return stored;
    } catch (err) {
      if (!isReason(err, 'AlreadyExists')) throw err;
      const clash = await this.ctx.api.resource('ReplicaSet').get(d.metadata.namespace ?? 'default', rs.metadata.name);
      if (getControllerOf(clash)?.uid === d.metadata.uid && clash.spec.template) {
        if (templatesEqualIgnoringHash(clash.spec.template, d.spec.template)) return clash;
      }
      // A foreign set holds the name: bump collisionCount so the next sync hashes to a new name.
      await this.ctx.api.resource('Deployment').updateStatus({
        ...structuredClone(d),
        status: { ...d.status, collisionCount: collisionCount + 1 },
      });
      throw err;
    }
  }

  /** Copies the new set's revision onto the Deployment, as `kubectl rollout history` reads it there. */
  private async recordRevision(d: Readonly<Deployment>, revision: number): Promise<void> {
    if (d.metadata.annotations?.[revisionAnnotation] === String(revision)) return;
    await this.ctx.api.resource('Deployment').patch(d.metadata.namespace ?? 'default', d.metadata.name, {
      metadata: { annotations: { [revisionAnnotation]: String(revision) } },
    });
  }

  /** Sets a set's size and its desired/max-replicas annotations; no write when nothing changes. */
  private async scaleReplicaSet(d: Readonly<Deployment>, rs: RS, replicas: number): Promise<RS> {
    const desired = String(d.spec.replicas ?? 1);
    const max = String((d.spec.replicas ?? 1) + deploymentFenceposts(d).maxSurge);
    const a = rs.metadata.annotations ?? {};
    if (specReplicas(rs) === replicas && a[desiredReplicasAnnotation] === desired && a[maxReplicasAnnotation] === max) {
      return rs;
    }
    const updated = structuredClone(rs) as ReplicaSet;
    updated.spec.replicas = replicas;
    updated.metadata.annotations = { ...a, [desiredReplicasAnnotation]: desired, [maxReplicasAnnotation]: max };
    const stored = await this.ctx.api.resource('ReplicaSet').update(updated);
    if (specReplicas(rs) !== replicas) await this.recordScaling(d, rs.metadata.name, specReplicas(rs), replicas);
    return stored;
  }

  /** Kubernetes' `ScalingReplicaSet` Event: "Scaled up replica set web-7d4b9c from 1 to 3". */
  private async recordScaling(d: Readonly<Deployment>, rsName: string, from: number, to: number): Promise<void> {
    const direction = to > from ? 'up' : 'down';
    await this.ctx.events?.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rsName} from ${from} to ${to}`,
    );
  }

  /** Deletes the oldest empty old sets beyond `revisionHistoryLimit` (Kubernetes' `cleanupDeployment`). */
  private async cleanupOldReplicaSets(d: Readonly<Deployment>, oldRSs: readonly RS[]): Promise<void> {
    const limit = d.spec.revisionHistoryLimit ?? defaultRevisionHistoryLimit;
    const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || created(a) - created(b));
    for (const rs of byRevision.slice(0, excess)) {
      const empty =
        specReplicas(rs) === 0 &&
        (rs.status?.replicas ?? 0) === 0 &&
        (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
      if (!empty) continue;
      await this.ctx.api
        .resource('ReplicaSet')
        .delete(rs.metadata.namespace ?? 'default', rs.metadata.name, { preconditions: { uid: rs.metadata.uid } })
        .catch((err: unknown) => {
          if (!isReason(err, 'NotFound')) throw err;
        });
    }
  }

  /** Writes the calculated status (and, for rollouts, the Progressing condition) when it changed. */
  private async syncStatus(
    d: Readonly<Deployment>,
    all: readonly RS[],
    rollout: boolean,
    newRS?: RS,
  ): Promise<ReconcileResult | undefined> {
    const now = this.ctx.clock.now();
    const base = calculateStatus(d, all.map(statusCounts), newRS && statusCounts(newRS), now);
    const status = rollout ? withProgress(d, base, newRS?.metadata.name, now) : base;
    if (JSON.stringify(status) !== JSON.stringify(d.status ?? {})) {
      await this.ctx.api.resource('Deployment').updateStatus({ ...structuredClone(d), status });
    }
    const wait = rollout ? msUntilDeadlineCheck(d, status, now) : undefined;
    return wait === undefined ? undefined : { requeueAfterMs: wait };
  }
}
