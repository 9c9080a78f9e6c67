import {
  compileLabelSelector,
  type DaemonSet,
  getControllerOf,
  type Node,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { podTemplateHash } from '../deployment/pod-template-hash.js';
import { scaledValue } from '../intstr/int-or-percent.js';
import { claimObjects } from '../pod-control/pod-claim.js';
import { podFromTemplate } from '../pod-control/pod-from-template.js';
import { PodOwnerReconciler } from '../pod-control/pod-owner-reconciler.js';
import { isPodAvailable, isPodReady, isPodTerminating, msUntilAvailable } from '../pod-control/pod-state.js';
import { claimCandidates } from '../pod-control/pods-by-controller.js';
import { controllerRevisionHashLabel, isUpdated, targetNodeName } from './daemon-pods.js';
import { daemonPodTolerations, type NodeEligibility, nodeEligibility, placeOnNode } from './node-eligibility.js';

type DaemonSetStatus = NonNullable<DaemonSet['status']>;

/** What one sync decided to change. */
interface Plan {
  createOn: string[];
  remove: Readonly<Pod>[];
}

/** Each node's eligibility for one DaemonSet, worked out once per sync (a sync visits every node up to three times). */
type EligibilityByNode = ReadonlyMap<string, NodeEligibility>;

const created = (p: Readonly<Pod>) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
const oldestFirst = (pods: readonly Readonly<Pod>[]) => [...pods].sort((a, b) => created(a) - created(b));

/**
 * Runs one pod of a DaemonSet on every eligible node: Kubernetes' DaemonSet
 * controller as a Reconciler.
 *
 * One sync: claim the pods the selector covers and group them by the node
 * they are for; then, per node, create the missing pod (pinned to the node
 * by required node affinity `metadata.name In [node]`, so the scheduler
 * binds it; with the daemon tolerations), delete failed pods (Warning
 * `FailedDaemonPod`) and duplicates, and delete pods from nodes that became
 * ineligible (a NoExecute taint it does not tolerate, a label no longer
 * selected) or no longer exist. With nothing else to do, a RollingUpdate
 * replaces pods of an old template (label `controller-revision-hash`):
 * without surge, old pods are deleted while at most `maxUnavailable` nodes
 * lack an available daemon pod (unavailable old pods first); with
 * `maxSurge`, a new pod starts beside the old one on up to `maxSurge` nodes
 * and the old one goes once the new one is available. OnDelete replaces only
 * pods someone else deleted. Status: desired, current, ready, available,
 * unavailable, updated and misscheduled numbers, observedGeneration.
 *
 * Guarantees: level-triggered; expectations keep a lagging cache from
 * acting twice.
 *
 * Caveats: revisions are identified by the template hash label, without
 * ControllerRevision objects (unlike the StatefulSet controller), so rollback is by
 * restoring the template. Node events must wake every DaemonSet and pod
 * events must reach `observePodEvent` (`registerDaemonSetController` does both).
 */
export class DaemonSetReconciler extends PodOwnerReconciler<DaemonSet> {
  constructor(ctx: ControllerContext) {
    super(ctx, 'DaemonSet');
  }

  protected async sync(
    ds: Readonly<DaemonSet>,
    key: string,
    req: ReconcileRequest,
  ): Promise<ReconcileResult | undefined> {
    const nodes = this.ctx.informers.for<Node>('Node').cache.list();
    const hash = podTemplateHash(ds.spec.template, ds.status?.collisionCount ?? 0);
    const candidates = claimCandidates(
      this.ctx.informers.for<Pod>('Pod').cache,
      ds.metadata.uid ?? '',
      req.namespace,
    ).filter((p) => !isPodTerminating(p) || getControllerOf(p)?.uid === ds.metadata.uid);
    const owned = await claimObjects(
      ds,
      compileLabelSelector(ds.spec.selector),
      candidates,
      this.ctx.api.resource('Pod'),
    );
    const byNode = new Map<string, Readonly<Pod>[]>();
    for (const p of owned) {
      const node = targetNodeName(p);
      if (!node || isPodTerminating(p)) continue;
      const onNode = byNode.get(node);
      if (onNode) onNode.push(p);
      else byNode.set(node, [p]);
    }
    const tolerations = daemonPodTolerations(ds.spec.template.spec);
    const eligibility: EligibilityByNode = new Map(
      nodes.map((n) => [n.metadata.name, nodeEligibility(ds, n, tolerations)]),
    );

    let error: unknown;
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      let plan = await this.placementPlan(ds, nodes, eligibility, byNode, hash);
      // A rollout replaces pods of another revision: with none, there is nothing to plan.
      if (plan.createOn.length === 0 && plan.remove.length === 0 && owned.some((p) => !isUpdated(p, hash)))
        plan = this.rolloutPlan(ds, nodes, eligibility, byNode, hash);
      error = await this.apply(ds, key, plan, hash);
    }
    await this.writeStatus(ds, this.status(ds, nodes, eligibility, byNode, hash));
    if (error) throw error;
    const now = this.ctx.clock.now();
    const waits = owned
      .map((p) => msUntilAvailable(p, ds.spec.minReadySeconds ?? 0, now))
      .filter((w): w is number => w !== undefined);
    return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  /** Kubernetes' `podsShouldBeOnNode` over every node, plus pods of nodes that are gone. */
  private async placementPlan(
    ds: Readonly<DaemonSet>,
    nodes: readonly Readonly<Node>[],
    eligibility: EligibilityByNode,
    byNode: ReadonlyMap<string, Readonly<Pod>[]>,
    hash: string,
  ): Promise<Plan> {
    const plan: Plan = { createOn: [], remove: [] };
    const surge = this.maxSurge(ds, nodes.length) > 0;
    for (const node of nodes) {
      const name = node.metadata.name;
      const pods = byNode.get(name) ?? [];
      const { shouldRun, shouldContinueRunning } = eligibility.get(name)!;
      if (!shouldRun && !shouldContinueRunning) {
        plan.remove.push(...pods);
        continue;
      }
      const failed = pods.filter((p) => p.status?.phase === 'Failed');
      for (const p of failed) {
        await this.ctx.events?.event(
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`,
        );
      }
      plan.remove.push(...failed);
      const running = oldestFirst(pods.filter((p) => p.status?.phase !== 'Failed'));
      if (running.length === 0) {
        if (shouldRun) plan.createOn.push(name);
        continue;
      }
      // Keep one pod per node; during a surge update, one of each revision.
      const keep = surge
        ? [running.find((p) => isUpdated(p, hash)), running.find((p) => !isUpdated(p, hash))]
        : [running[0]];
      plan.remove.push(...running.filter((p) => !keep.includes(p)));
    }
    const known = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, pods] of byNode) if (!known.has(node)) plan.remove.push(...pods);
    return plan;
  }

  /** RollingUpdate: which old pods to delete (no surge) or which nodes get a new pod first (surge). */
  private rolloutPlan(
    ds: Readonly<DaemonSet>,
    nodes: readonly Readonly<Node>[],
    eligibility: EligibilityByNode,
    byNode: ReadonlyMap<string, Readonly<Pod>[]>,
    hash: string,
  ): Plan {
    const plan: Plan = { createOn: [], remove: [] };
    if (ds.spec.updateStrategy?.type === 'OnDelete') return plan;
    const now = this.ctx.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const available = (p: Readonly<Pod>) => isPodAvailable(p, minReady, now);
    const eligible = nodes.filter((n) => eligibility.get(n.metadata.name)!.shouldRun);
    const desired = eligible.length;
    const maxSurge = this.maxSurge(ds, desired);
    const rollingUpdate = ds.spec.updateStrategy?.rollingUpdate;
    const where = {
      kind: 'DaemonSet',
      name: ds.metadata.name,
      field: 'spec.updateStrategy.rollingUpdate.maxUnavailable',
    };
    const maxUnavailable = Math.max(
      maxSurge === 0 ? 1 : 0,
      scaledValue(rollingUpdate?.maxUnavailable, 1, desired, true, where),
    );
    let unavailable = eligible.filter((n) => !(byNode.get(n.metadata.name) ?? []).some(available)).length;
    let surging = 0;
    const oldAvailable: Readonly<Pod>[] = [];
    const surgeCandidates: string[] = [];
    for (const n of eligible) {
      const pods = byNode.get(n.metadata.name) ?? [];
      const fresh = pods.find((p) => isUpdated(p, hash));
      const old = pods.filter((p) => !isUpdated(p, hash));
      if (old.length === 0) continue;
      if (fresh) {
        // Surge in progress on this node: the old pod goes once the new one serves.
        if (available(fresh)) plan.remove.push(...old);
        else surging++;
      } else if (!old.some(available)) {
        plan.remove.push(...old);
      } else if (maxSurge > 0) {
        surgeCandidates.push(n.metadata.name);
      } else {
        oldAvailable.push(...old);
      }
    }
    plan.createOn.push(...surgeCandidates.slice(0, Math.max(0, maxSurge - surging)));
    for (const p of oldestFirst(oldAvailable)) {
      if (unavailable >= maxUnavailable) break;
      plan.remove.push(p);
      unavailable++;
    }
    return plan;
  }

  private maxSurge(ds: Readonly<DaemonSet>, desired: number): number {
    const strategy = ds.spec.updateStrategy;
    if (strategy?.type === 'OnDelete') return 0;
    const where = { kind: 'DaemonSet', name: ds.metadata.name, field: 'spec.updateStrategy.rollingUpdate.maxSurge' };
    return scaledValue(strategy?.rollingUpdate?.maxSurge, 0, desired, true, where);
  }

  private async apply(ds: Readonly<DaemonSet>, key: string, plan: Plan, hash: string): Promise<unknown> {
    if (plan.remove.length > 0) return this.podControl.deletePods(ds, key, plan.remove);
    const result = await this.podControl.createPods(ds, key, plan.createOn.length, (i) =>
      podFromTemplate(ds.spec.template, ds, {
        generateName: `${ds.metadata.name}-`,
        labels: { [controllerRevisionHashLabel]: hash },
        mutateSpec: (spec) => placeOnNode(spec, plan.createOn[i]),
      }),
    );
    return result.error;
  }

  private status(
    ds: Readonly<DaemonSet>,
    nodes: readonly Readonly<Node>[],
    eligibility: EligibilityByNode,
    byNode: ReadonlyMap<string, Readonly<Pod>[]>,
    hash: string,
  ): DaemonSetStatus {
    const now = this.ctx.clock.now();
    const s = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name) ?? [];
      if (eligibility.get(node.metadata.name)!.shouldRun) {
        s.desired++;
        if (pods.length === 0) continue;
        s.current++;
        const pod = pods.find((p) => isUpdated(p, hash)) ?? oldestFirst(pods)[0];
        if (isPodReady(pod)) s.ready++;
        if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) s.available++;
        if (isUpdated(pod, hash)) s.updated++;
      } else if (pods.length > 0) {
        s.misscheduled++;
      }
    }
    return {
      ...ds.status,
      desiredNumberScheduled: s.desired,
      currentNumberScheduled: s.current,
      numberMisscheduled: s.misscheduled,
      numberReady: s.ready,
      numberAvailable: s.available,
      numberUnavailable: s.desired - s.available,
      updatedNumberScheduled: s.updated,
      observedGeneration: ds.metadata.generation,
    };
  }

  private async writeStatus(ds: Readonly<DaemonSet>, status: DaemonSetStatus): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(ds.status ?? {})) return;
    await this.ctx.api.resource('DaemonSet').updateStatus({ ...structuredClone(ds), status });
  }
}
