import {
  type ControllerRevision,
  compileLabelSelector,
  getControllerOf,
  type PersistentVolumeClaim,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type StatefulSet,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { scaledValue } from '../intstr/int-or-percent.js';
import { claimObjects } from '../pod-control/pod-claim.js';
import { isPodTerminating, msUntilAvailable } from '../pod-control/pod-state.js';
import { retentionMatches, retentionOwnerRefs } from './claim-retention.js';
import { type SetRevisions, syncRevisions, templateOf, truncateHistory } from './revision-history.js';
import {
  claimsFor,
  endOrdinal,
  identityMatches,
  ordinalOf,
  podRevision,
  startOrdinal,
  statefulPod,
  withIdentity,
} from './stateful-identity.js';
import { StatefulPodControl } from './stateful-pod-control.js';
import { hasStopped, isRunningAndAvailable, isRunningAndReady, isUnavailable } from './stateful-pod-state.js';

type StatefulSetStatus = NonNullable<StatefulSet['status']>;

/** One ordinal's slot: its pod when it exists. */
interface Slot {
  ordinal: number;
  pod?: Readonly<Pod>;
}

/** What one sync works on: the set, its revisions, its pods by ordinal. */
interface SyncState {
  set: Readonly<StatefulSet>;
  revisions: SetRevisions;
  replicas: Slot[];
  /** Pods whose ordinal is outside the wanted range, highest ordinal first. */
  condemned: Readonly<Pod>[];
  monotonic: boolean;
  minReady: number;
  now: number;
}

/**
 * Kubernetes' StatefulSet controller as a Reconciler: pods with stable
 * ordinal names `<set>-<n>`, hostname = name and subdomain = `serviceName`
 * (the headless Service publishes `<pod>.<service>.<ns>.svc`), one claim
 * per claim template and ordinal (`<template>-<set>-<n>`), made before the pod.
 *
 * One sync, in Kubernetes' order (`updateStatefulSet`):
 * 1. the update revision (a ControllerRevision of the live template; equal
 *    revisions are reused) and the current one (`status.currentRevision`);
 * 2. each ordinal in range, lowest first: a stopped pod is deleted (made
 *    again next sync), a missing pod is made (ordinals below the partition
 *    from the current revision, the rest from the update revision);
 *    with `OrderedReady` the sync stops at the first pod that it created
 *    or that is not Running, Ready and available for `minReadySeconds`;
 *    identity labels and claim owner references are repaired;
 * 3. pods beyond the range, highest ordinal first (OrderedReady: one at a
 *    time, and only while every other pod is healthy), after their claims
 *    got the owner references the retention policy asks for;
 * 4. RollingUpdate: pods at ordinals >= partition whose revision is not the
 *    update revision are deleted from the highest ordinal down, one at a
 *    time waiting for each replacement to be available, or, with
 *    `maxUnavailable`, as many as keep at most that many pods unavailable
 *    (Kubernetes' MaxUnavailableStatefulSet behaviour). OnDelete replaces
 *    only pods deleted by someone else.
 *
 * Status: replicas, ready, available, current and updated counts, the
 * revisions (the update revision becomes current once every pod runs it
 * and is ready), collision count, observedGeneration. Revisions no pod
 * uses beyond `revisionHistoryLimit` are deleted.
 *
 * Guarantees: level-triggered from the informer caches; pods and claims
 * have fixed names, so a lagging cache can at worst try a create that fails
 * with AlreadyExists, which the next sync sees through.
 *
 * Caveats: claim retention works through owner references, so claims go
 * only when the garbage collector runs. Claims are never resized from
 * changed templates (Kubernetes does not either).
 */
export class StatefulSetReconciler implements Reconciler {
  private readonly podControl: StatefulPodControl;

  constructor(private readonly ctx: ControllerContext) {
    this.podControl = new StatefulPodControl(ctx);
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const set = this.ctx.informers.for<StatefulSet>('StatefulSet').cache.get(req.namespace, req.name);
    if (!set) return undefined;
    const selector = compileLabelSelector(set.spec.selector);
    const podCandidates = this.ctx.informers
      .for<Pod>('Pod')
      .cache.list({ namespace: req.namespace })
      .filter((p) => !isPodTerminating(p) || getControllerOf(p)?.uid === set.metadata.uid);
    const pods = await claimObjects(set, selector, podCandidates, this.ctx.api.resource('Pod'));
    const revisionClient = this.ctx.api.resource('ControllerRevision');
    const ownedRevisions = await claimObjects(
      set,
      selector,
      this.ctx.informers.for<ControllerRevision>('ControllerRevision').cache.list({ namespace: req.namespace }),
      revisionClient,
    );
    const revisions = await syncRevisions(set, ownedRevisions, revisionClient);
    const state = this.partition(set, pods, revisions);

    let error: unknown;
    if (!set.metadata.deletionTimestamp) {
      try {
        await this.syncPods(state);
      } catch (err) {
        error = err;
      }
    }
    const status = this.status(state, this.ctx.informers.for<Pod>('Pod').cache.list({ namespace: req.namespace }));
    await this.writeStatus(set, status);
    const live = new Set([revisions.current.metadata.name, revisions.update.metadata.name]);
    for (const p of pods) live.add(podRevision(p) ?? '');
    await truncateHistory(set, [...ownedRevisions, revisions.update], live, revisionClient);
    if (error) throw error;
    const waits = pods
      .map((p) => msUntilAvailable(p, state.minReady, state.now))
      .filter((w): w is number => w !== undefined);
    return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  private partition(set: Readonly<StatefulSet>, pods: readonly Readonly<Pod>[], revisions: SetRevisions): SyncState {
    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const replicas: Slot[] = [];
    for (let ord = start; ord < end; ord++) replicas.push({ ordinal: ord });
    const condemned: Readonly<Pod>[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(set, pod);
      if (ord === undefined) continue;
      if (ord >= start && ord < end) replicas[ord - start]!.pod = pod;
      else condemned.push(pod);
    }
    condemned.sort((a, b) => (ordinalOf(set, b) ?? 0) - (ordinalOf(set, a) ?? 0));
    return {
      set,
      revisions,
      replicas,
      condemned,
      monotonic: set.spec.podManagementPolicy !== 'Parallel',
      minReady: set.spec.minReadySeconds ?? 0,
      now: this.ctx.clock.now(),
    };
  }

  private async syncPods(s: SyncState): Promise<void> {
    if (await this.forAll(s, s.replicas, (slot) => this.processReplica(s, slot))) return;
    const firstUnavailable =
      s.replicas.find((r) => isUnavailable(r.pod, s.minReady, s.now))?.pod ??
      [...s.condemned].reverse().find((p) => isUnavailable(p, s.minReady, s.now));
    const condemnedSlots = s.condemned.map((pod) => ({ ordinal: ordinalOf(s.set, pod) ?? 0, pod }));
    if (await this.forAll(s, condemnedSlots, (slot) => this.fixClaims(s, slot.pod!, true).then(() => false))) return;
    if (await this.forAll(s, condemnedSlots, (slot) => this.processCondemned(s, slot.pod!, firstUnavailable))) return;
    if (s.set.spec.updateStrategy?.type === 'OnDelete') return;
    await this.rollingUpdate(s);
  }

  /** Kubernetes' `runForAll`: in order, stopping at the first step that says so (OrderedReady), or all at once (Parallel). */
  private async forAll(s: SyncState, slots: Slot[], step: (slot: Slot) => Promise<boolean>): Promise<boolean> {
    if (s.monotonic) {
      for (const slot of slots) if (await step(slot)) return true;
      return false;
    }
    const results = await Promise.allSettled(slots.map(step));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return false;
  }

  /** Returns true when the sync must stop here (OrderedReady waiting, or a pod being replaced). */
  private async processReplica(s: SyncState, slot: Slot): Promise<boolean> {
    const pod = slot.pod;
    if (pod && hasStopped(pod)) {
      if (!isPodTerminating(pod)) {
        await this.ctx.events?.event(
          s.set,
          'Warning',
          'RecreatingFailedPod',
          `StatefulSet ${s.set.metadata.namespace}/${s.set.metadata.name} is recreating failed Pod ${pod.metadata.name}`,
        );
        await this.podControl.deletePod(s.set, pod);
      }
      return true;
    }
    if (!pod) {
      if (await this.claimIsStale(s, slot.ordinal)) return true;
      await this.createPod(s, slot.ordinal);
      return s.monotonic;
    }
    if (pod.status?.phase === 'Pending' || !pod.status?.phase) await this.createClaims(s, pod, slot.ordinal);
    if (!s.monotonic) return this.repair(s, pod, slot.ordinal).then(() => false);
    if (isPodTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, s.minReady, s.now)) return true;
    await this.repair(s, pod, slot.ordinal);
    return false;
  }

  /** Restores identity labels and the claims' retention owner references. */
  private async repair(s: SyncState, pod: Readonly<Pod>, ordinal: number): Promise<void> {
    if (isPodTerminating(pod)) return;
    await this.fixClaims(s, pod, false);
    if (!identityMatches(s.set, pod, ordinal))
      await this.ctx.api.resource('Pod').update(withIdentity(s.set, pod, ordinal));
  }

  private async processCondemned(s: SyncState, pod: Readonly<Pod>, firstUnavailable?: Readonly<Pod>): Promise<boolean> {
    if (isPodTerminating(pod)) return s.monotonic;
    if (s.monotonic && pod !== firstUnavailable && !isRunningAndAvailable(pod, s.minReady, s.now)) return true;
    await this.podControl.deletePod(s.set, pod);
    return true;
  }

  private async rollingUpdate(s: SyncState): Promise<void> {
    const { set, replicas } = s;
    const update = s.revisions.update.metadata.name;
    const ru = set.spec.updateStrategy?.rollingUpdate;
    const updateMin = ru?.partition ?? 0;
    const outdated = (slot: Slot) => slot.pod && podRevision(slot.pod) !== update && !isPodTerminating(slot.pod);
    if (ru?.maxUnavailable === undefined) {
      // One pod at a time from the highest ordinal, waiting for each to be available again.
      for (let i = replicas.length - 1; i >= updateMin; i--) {
        const slot = replicas[i]!;
        if (outdated(slot)) return this.podControl.deletePod(set, slot.pod!);
        if (isUnavailable(slot.pod, s.minReady, s.now)) return;
      }
      return;
    }
    const where = {
      kind: 'StatefulSet',
      name: set.metadata.name,
      field: 'spec.updateStrategy.rollingUpdate.maxUnavailable',
    };
    const maxUnavailable = Math.max(1, scaledValue(ru.maxUnavailable, 1, replicas.length, false, where));
    const unavailable = replicas.filter((r) => isUnavailable(r.pod, s.minReady, s.now)).length;
    let budget = maxUnavailable - unavailable;
    for (let i = replicas.length - 1; i >= updateMin && budget > 0; i--) {
      const slot = replicas[i]!;
      if (!outdated(slot)) continue;
      await this.podControl.deletePod(set, slot.pod!);
      budget--;
    }
  }

  private async createPod(s: SyncState, ordinal: number): Promise<void> {
    const { set, revisions } = s;
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const fromCurrent = set.spec.updateStrategy?.type !== 'OnDelete' && ordinal < startOrdinal(set) + partition;
    const rev = fromCurrent ? revisions.current : revisions.update;
    const pod = statefulPod({ ...set, spec: { ...set.spec, template: templateOf(rev) } }, ordinal, rev.metadata.name);
    await this.createClaims(s, pod, ordinal);
    await this.podControl.createPod(set, pod);
  }

  private claimsCache() {
    return this.ctx.informers.for<PersistentVolumeClaim>('PersistentVolumeClaim').cache;
  }

  /** Creates the ordinal's missing claims (Kubernetes' `createPersistentVolumeClaims`). */
  private async createClaims(s: SyncState, pod: Readonly<Pod>, ordinal: number): Promise<void> {
    const { set } = s;
    for (const claim of claimsFor(set, ordinal)) {
      if (this.claimsCache().get(claim.metadata.namespace, claim.metadata.name)) continue;
      claim.metadata.ownerReferences = retentionOwnerRefs(set, pod, false, claim);
      await this.podControl.createClaim(set, claim, pod);
    }
  }

  /**
   * A claim of the ordinal is still going away (terminating, or owned by an
   * earlier pod of the ordinal that a scale-down removed): wait for it rather
   * than mount a claim about to be deleted (Kubernetes' `PodClaimIsStale`).
   */
  private async claimIsStale(s: SyncState, ordinal: number): Promise<boolean> {
    return claimsFor(s.set, ordinal).some((c) => {
      const stored = this.claimsCache().get(c.metadata.namespace, c.metadata.name);
      return (
        stored !== undefined &&
        (stored.metadata.deletionTimestamp !== undefined ||
          (stored.metadata.ownerReferences ?? []).some(
            (r) => r.kind === 'Pod' && r.name === `${s.set.metadata.name}-${ordinal}`,
          ))
      );
    });
  }

  /** Gives the pod's claims the owner references the retention policy asks for. */
  private async fixClaims(s: SyncState, pod: Readonly<Pod>, condemned: boolean): Promise<void> {
    const ordinal = ordinalOf(s.set, pod);
    if (ordinal === undefined) return;
    for (const c of claimsFor(s.set, ordinal)) {
      const stored = this.claimsCache().get(c.metadata.namespace, c.metadata.name);
      if (!stored || stored.metadata.deletionTimestamp) continue;
      const wanted = retentionOwnerRefs(s.set, pod, condemned, stored);
      if (retentionMatches(stored, wanted)) continue;
      const copy = structuredClone(stored) as PersistentVolumeClaim;
      copy.metadata.ownerReferences = wanted;
      await this.ctx.api.resource('PersistentVolumeClaim').update(copy);
    }
  }

  /** Kubernetes' `updateStatus` over the set's pods, then `completeRollingUpdate`. */
  private status(s: SyncState, podsNow: readonly Readonly<Pod>[]): StatefulSetStatus {
    const { set, revisions } = s;
    const mine = podsNow.filter((p) => getControllerOf(p)?.uid === set.metadata.uid && ordinalOf(set, p) !== undefined);
    const current = revisions.current.metadata.name;
    const update = revisions.update.metadata.name;
    const status: StatefulSetStatus = {
      ...set.status,
      observedGeneration: set.metadata.generation,
      replicas: mine.length,
      readyReplicas: mine.filter(isRunningAndReady).length,
      availableReplicas: mine.filter((p) => isRunningAndAvailable(p, s.minReady, s.now)).length,
      currentReplicas: mine.filter((p) => !isPodTerminating(p) && podRevision(p) === current).length,
      updatedReplicas: mine.filter((p) => !isPodTerminating(p) && podRevision(p) === update).length,
      currentRevision: current,
      updateRevision: update,
      collisionCount: revisions.collisionCount,
    };
    if (
      set.spec.updateStrategy?.type !== 'OnDelete' &&
      status.updatedReplicas === status.replicas &&
      status.readyReplicas === status.replicas
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = update;
    }
    return status;
  }

  private async writeStatus(set: Readonly<StatefulSet>, status: StatefulSetStatus): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(set.status ?? {})) return;
    await this.ctx.api.resource('StatefulSet').updateStatus({ ...structuredClone(set), status });
  }
}
