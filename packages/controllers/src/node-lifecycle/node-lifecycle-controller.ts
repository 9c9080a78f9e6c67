import {
  type Condition,
  type Lease,
  type Node,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type Taint,
  toTimestamp,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { EvictionLimiter } from './eviction-limiter.js';
import { readyStatus, unknownConditions } from './node-conditions.js';
import { type NodeHealthOptions, NodeHealthTracker } from './node-health.js';
import { noExecuteKeyFor, noScheduleKeysFor, sameTaints, withManagedTaints } from './node-taints.js';
import {
  type DisruptionOptions,
  evictionRateFor,
  type ResolvedDisruptionOptions,
  resolveDisruptionOptions,
  type ZoneState,
  zoneOf,
  zoneState,
} from './zone-disruption.js';

/** Kubernetes' `--node-monitor-period`: how often each node's health is looked at. */
export const NODE_MONITOR_PERIOD_MS = 5_000;

/** The namespace where node agents renew their heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Options of the node lifecycle controller. */
export interface NodeLifecycleOptions extends NodeHealthOptions, DisruptionOptions {
  /** How often a node is re-checked without events. Default 5 s. */
  monitorPeriodMs?: number;
}

/** The zones' states at one moment, and whether every zone is fully disrupted. */
interface DisruptionSnapshot {
  zones: Map<string, { state: ZoneState; size: number }>;
  allFullyDisrupted: boolean;
  /** How each node was counted (`<zone>/<ready>`), so a reconcile can tell whether its node still counts the same. */
  counted: Map<string, string>;
  /** The first deadline of a node counted ready: past it, a node may have expired without any event. */
  validUntil: number;
}

/**
 * Kubernetes' node lifecycle controller, one reconcile per Node:
 *
 * 1. Health: a node whose Lease (or Ready heartbeat) has not moved for the
 *    grace period (50 s; 60 s before its first status) gets its Ready and
 *    pressure conditions set to Unknown (`NodeStatusUnknown`).
 * 2. NoSchedule taints follow conditions at once: not-ready / unreachable,
 *    pressure taints, and `unschedulable` for cordoned nodes.
 * 3. NoExecute taints (`not-ready` for Ready False, `unreachable` for
 *    Unknown) start taint-based eviction. They are added at most `0.1` nodes
 *    per second per zone; in a partially disrupted zone at 0.01 (large
 *    zones) or not at all (small ones); when every zone is fully disrupted
 *    none are added and those present are removed (the controller is
 *    probably the one cut off). All managed taints go when the node recovers.
 *
 * Guarantees: level-triggered; user taints are never touched; a NoExecute
 * taint keeps its `timeAdded` while it stays, so toleration deadlines do
 * not move. Each node is re-checked at its grace deadline and at least every
 * monitor period, on the Clock.
 *
 * Caveats: Lease and Node events must reach the controller (the
 * registration wires both). Deleting the pods is the taint eviction
 * controller's job.
 */
export class NodeLifecycleReconciler implements Reconciler {
  private readonly health: NodeHealthTracker;
  private readonly limiter = new EvictionLimiter();
  private readonly disruption: ResolvedDisruptionOptions;
  private readonly monitorPeriodMs: number;
  private snapshot?: DisruptionSnapshot;
  private wasAllFullyDisrupted = false;

  constructor(
    private readonly ctx: ControllerContext,
    options: NodeLifecycleOptions = {},
  ) {
    this.health = new NodeHealthTracker(options);
    this.disruption = resolveDisruptionOptions(options);
    this.monitorPeriodMs = options.monitorPeriodMs ?? NODE_MONITOR_PERIOD_MS;
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const nodes = this.ctx.informers.for<Node>('Node').cache;
    const node = nodes.get(undefined, req.name);
    if (!node) {
      this.health.forget(req.name);
      this.snapshot = undefined;
      return undefined;
    }
    const now = this.ctx.clock.now();
    const lease = this.ctx.informers.for<Lease>('Lease').cache.get(NODE_LEASE_NAMESPACE, req.name);
    this.health.observe(node, lease, now);
    if (this.snapshot?.counted.get(node.metadata.name) !== this.countedAs(node, now)) this.snapshot = undefined;
    const snapshot = this.disruptionAt(now);

    let current = node;
    if (this.health.expired(node, now)) current = await this.markUnknown(node, now);
    const ready = readyStatus(current);
    const wanted: Pick<Taint, 'key' | 'effect'>[] = noScheduleKeysFor(current, ready).map((key) => ({
      key,
      effect: 'NoSchedule',
    }));
    let waitMs = this.msUntilExpiry(current, now);
    const noExecuteKey = snapshot.allFullyDisrupted ? undefined : noExecuteKeyFor(ready);
    if (noExecuteKey) {
      const present = current.spec?.taints?.some((t) => t.key === noExecuteKey && t.effect === 'NoExecute');
      const zone = snapshot.zones.get(zoneOf(current)) ?? { state: 'Normal', size: 1 };
      const wait = present
        ? 0
        : this.limiter.tryAcquire(zoneOf(current), evictionRateFor(zone.state, zone.size, this.disruption), now);
      if (wait === 0) wanted.push({ key: noExecuteKey, effect: 'NoExecute' });
      else waitMs = Math.min(waitMs, wait);
    }
    await this.writeTaints(current, wanted, now);
    return { requeueAfterMs: Math.max(1, Math.min(this.monitorPeriodMs, waitMs)) };
  }

  /** Sets the monitored conditions Unknown, unless they already are. */
  private async markUnknown(node: Readonly<Node>, now: number): Promise<Readonly<Node>> {
    const conditions = unknownConditions(node.status?.conditions, toTimestamp(now));
    if (sameConditions(conditions, node.status?.conditions)) return node;
    this.ctx.logger.info({ node: node.metadata.name }, 'node stopped posting status; conditions set to Unknown');
    return this.ctx.api
      .resource('Node')
      .updateStatus({ ...structuredClone(node), status: { ...node.status, conditions } });
  }

  private async writeTaints(node: Readonly<Node>, wanted: Pick<Taint, 'key' | 'effect'>[], now: number): Promise<void> {
    const taints = withManagedTaints(node.spec?.taints, wanted, toTimestamp(now));
    if (sameTaints(taints, node.spec?.taints)) return;
    const next = structuredClone(node) as Node;
    next.spec = { ...next.spec, taints };
    await this.ctx.api.resource('Node').update(next);
  }

  private msUntilExpiry(node: Readonly<Node>, now: number): number {
    const deadline = this.health.deadline(node);
    return deadline === undefined || deadline < now ? Number.POSITIVE_INFINITY : deadline - now + 1;
  }

  /**
   * Zone states from every node's effective readiness (expired nodes count
   * as not ready). Counting is a pass over every node, so it is redone only
   * when a reconciled node no longer counts as it was counted (its zone or
   * readiness changed, it is new or gone) or a counted-ready node's grace
   * may have run out; per-reconcile recounting made the controller's work
   * grow with the square of the node count (28 % of the CPU with 1,000
   * nodes). Leaving a cluster-wide full disruption gives every node a new
   * grace period, as Kubernetes does, so nodes are not evicted for the outage
   * that just ended.
   */
  private disruptionAt(now: number): DisruptionSnapshot {
    if (this.snapshot && now <= this.snapshot.validUntil) return this.snapshot;
    const counts = new Map<string, { ready: number; notReady: number }>();
    const counted = new Map<string, string>();
    let validUntil = Number.POSITIVE_INFINITY;
    for (const n of this.ctx.informers.for<Node>('Node').cache.list()) {
      const zone = zoneOf(n);
      const c = counts.get(zone) ?? { ready: 0, notReady: 0 };
      const deadline = this.health.deadline(n);
      const expired = deadline !== undefined && now > deadline;
      const ready = !expired && readyStatus(n) === 'True';
      if (ready) c.ready++;
      else c.notReady++;
      counts.set(zone, c);
      counted.set(n.metadata.name, `${zone}/${ready}`);
      if (deadline !== undefined && !expired) validUntil = Math.min(validUntil, deadline);
    }
    const zones = new Map<string, { state: ZoneState; size: number }>();
    for (const [zone, c] of counts) {
      zones.set(zone, {
        state: zoneState(c.ready, c.notReady, this.disruption.unhealthyZoneThreshold),
        size: c.ready + c.notReady,
      });
    }
    const allFullyDisrupted = zones.size > 0 && [...zones.values()].every((z) => z.state === 'FullDisruption');
    // Every node's grace starts over: what was counted may not hold a moment later, so count again then.
    if (this.wasAllFullyDisrupted && !allFullyDisrupted) {
      this.health.resetAll(now);
      validUntil = now;
    }
    if (allFullyDisrupted && !this.wasAllFullyDisrupted) {
      this.ctx.logger.warn('every zone is fully disrupted: stopping evictions until a node is ready again');
    }
    this.wasAllFullyDisrupted = allFullyDisrupted;
    this.snapshot = { zones, allFullyDisrupted, counted, validUntil };
    return this.snapshot;
  }

  /** How the zone counts would count `node` now (see `DisruptionSnapshot.counted`). */
  private countedAs(node: Readonly<Node>, now: number): string {
    return `${zoneOf(node)}/${!this.health.expired(node, now) && readyStatus(node) === 'True'}`;
  }
}

function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
