import type { Lease, Node } from '@flotilla/core';

/** Kubernetes' `--node-monitor-grace-period` since v1.32: a node silent this long is Unknown. */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** Kubernetes' `--node-startup-grace-period`: the grace a node gets before its first status. */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

/** What the tracker remembers of one node's heartbeats. */
interface HeartbeatRecord {
  /** Controller clock time of the last heartbeat seen (Kubernetes' `probeTimestamp`). */
  probeAt: number;
  readyHeartbeat?: string;
  leaseRenew?: string;
}

/** Grace periods of a `NodeHealthTracker`. */
export interface NodeHealthOptions {
  gracePeriodMs?: number;
  startupGracePeriodMs?: number;
}

/**
 * Tracks when each node last showed a sign of life, on the controller's own
 * clock (as Kubernetes' node lifecycle controller does, so that clock skew
 * between nodes and controller cannot expire a healthy node): a heartbeat is
 * a change of the node's Lease `renewTime` in `kube-node-lease` or of its
 * Ready condition's `lastHeartbeatTime`.
 *
 * Guarantees: a node first seen with a Ready condition gets a full grace
 * period from that moment (a restarted controller does not evict at once);
 * a node that never reported gets the startup grace from its creation.
 *
 * Caveats: state is in memory; `resetAll` gives every node a new grace
 * period (used when a cluster-wide outage ends).
 */
export class NodeHealthTracker {
  private readonly records = new Map<string, HeartbeatRecord>();
  private readonly grace: number;
  private readonly startupGrace: number;

  constructor(options: NodeHealthOptions = {}) {
    this.grace = options.gracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS;
    this.startupGrace = options.startupGracePeriodMs ?? NODE_STARTUP_GRACE_PERIOD_MS;
  }

  /** Records the node's current heartbeats at time `now`. */
  observe(node: Readonly<Node>, lease: Readonly<Lease> | undefined, now: number): void {
    const name = node.metadata.name;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const readyHeartbeat = ready?.lastHeartbeatTime;
    const leaseRenew = lease?.spec.renewTime;
    const known = this.records.get(name);
    if (!known) {
      const created = Date.parse(node.metadata.creationTimestamp ?? '');
      const probeAt = ready || Number.isNaN(created) ? now : created;
      this.records.set(name, { probeAt, readyHeartbeat, leaseRenew });
      return;
    }
    if (known.readyHeartbeat !== readyHeartbeat || known.leaseRenew !== leaseRenew) {
      this.records.set(name, { probeAt: now, readyHeartbeat, leaseRenew });
    }
  }

  /** When the node's grace runs out (ms since epoch); undefined for a node never observed. */
  deadline(node: Readonly<Node>): number | undefined {
    const known = this.records.get(node.metadata.name);
    if (!known) return undefined;
    const hasReady = node.status?.conditions?.some((c) => c.type === 'Ready') ?? false;
    return known.probeAt + (hasReady ? this.grace : this.startupGrace);
  }

  /** True when the node has been silent past its grace period at `now`. */
  expired(node: Readonly<Node>, now: number): boolean {
    const deadline = this.deadline(node);
    return deadline !== undefined && now > deadline;
  }

  /** Forgets a deleted node. */
  forget(name: string): void {
    this.records.delete(name);
  }

  /** Counts every node as heard from at `now`. */
  resetAll(now: number): void {
    for (const record of this.records.values()) record.probeAt = now;
  }
}
