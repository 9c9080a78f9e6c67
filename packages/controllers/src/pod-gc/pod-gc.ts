import { isReason, type Node, type Pod, type Runnable } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { isPodFinished } from '../pod-control/pod-state.js';

/** Options of the pod garbage collector (kube-controller-manager's defaults). */
export interface PodGCOptions {
  /** Terminated pods kept before the oldest are deleted (`--terminated-pod-gc-threshold`). Default 12,500; 0 disables. */
  terminatedPodThreshold?: number;
  /** How often a pass runs. Default 20 s (`gcCheckPeriod`). */
  periodMs?: number;
  /** How long a node must stay missing before its pods are deleted. Default 40 s (`quarantineTime`). */
  quarantineMs?: number;
}

/** What one pass deleted, by rule. */
export interface PodGCPass {
  terminated: number;
  orphaned: number;
  unscheduledTerminating: number;
}

const created = (p: Readonly<Pod>) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/**
 * Deletes pods nobody else will (Kubernetes' PodGC controller), one pass
 * every `periodMs` on the Clock:
 *
 * - terminated (Succeeded/Failed) pods beyond `terminatedPodThreshold`,
 *   oldest first;
 * - pods bound to a node that no longer exists, terminating or not, force
 *   deleted (grace period 0), once the node has been missing from the cache
 *   for `quarantineMs` and the Api confirms it is gone (a node that is only
 *   late to appear in the cache is not a reason to kill its pods);
 * - terminating pods that were never scheduled, force deleted (no node agent
 *   will ever finish them).
 *
 * Guarantees: deletions carry the pod's uid as a precondition, so a pod
 * recreated under the same name is never hit.
 *
 * Caveats: reads the shared Pod and Node caches, so their informers must be
 * running (the Manager starts them).
 */
export class PodGarbageCollector implements Runnable {
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** Node name -> when it was first seen missing. */
  private readonly missingSince = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    opts: PodGCOptions = {},
  ) {
    this.threshold = opts.terminatedPodThreshold ?? 12_500;
    this.periodMs = opts.periodMs ?? 20_000;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
  }

  /** Runs a pass every period until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pass();
      } catch (err) {
        this.ctx.logger.warn({ err }, 'pod GC pass failed; retrying next period');
      }
      await this.ctx.clock.sleep(this.periodMs, signal).catch(() => undefined);
    }
  }

  /** One pass of every rule; returns how many pods each deleted. */
  async pass(): Promise<PodGCPass> {
    const pods = this.ctx.informers.for<Pod>('Pod').cache.list();
    return {
      terminated: await this.gcTerminated(pods),
      orphaned: await this.gcOrphaned(pods),
      unscheduledTerminating: await this.deleteAll(
        pods.filter((p) => p.metadata.deletionTimestamp && !p.spec.nodeName),
        true,
      ),
    };
  }

  private async gcTerminated(pods: readonly Readonly<Pod>[]): Promise<number> {
    if (this.threshold <= 0) return 0;
    const terminated = pods.filter((p) => isPodFinished(p) && !p.metadata.deletionTimestamp);
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return 0;
    const oldest = [...terminated].sort((a, b) => created(a) - created(b)).slice(0, excess);
    return this.deleteAll(oldest, false);
  }

  private async gcOrphaned(pods: readonly Readonly<Pod>[]): Promise<number> {
    const nodes = this.ctx.informers.for<Node>('Node').cache;
    const now = this.ctx.clock.now();
    const missing = new Set<string>();
    for (const p of pods) {
      const node = p.spec.nodeName;
      if (node && !nodes.get(undefined, node)) missing.add(node);
    }
    for (const node of this.missingSince.keys()) if (!missing.has(node)) this.missingSince.delete(node);
    const gone = new Set<string>();
    for (const node of missing) {
      const since = this.missingSince.get(node) ?? now;
      this.missingSince.set(node, since);
      if (now - since >= this.quarantineMs && (await this.nodeGone(node))) gone.add(node);
    }
    return this.deleteAll(
      pods.filter((p) => p.spec.nodeName && gone.has(p.spec.nodeName)),
      true,
    );
  }

  /** Asks the Api, not the cache: only a confirmed absence justifies deleting the node's pods. */
  private async nodeGone(name: string): Promise<boolean> {
    try {
      await this.ctx.api.resource('Node').get(name);
      this.missingSince.delete(name);
      return false;
    } catch (err) {
      if (isReason(err, 'NotFound')) return true;
      throw err;
    }
  }

  private async deleteAll(pods: readonly Readonly<Pod>[], force: boolean): Promise<number> {
    const client = this.ctx.api.resource('Pod');
    const results = await Promise.all(
      pods.map((p) =>
        client
          .delete(p.metadata.namespace ?? 'default', p.metadata.name, {
            preconditions: { uid: p.metadata.uid },
            ...(force ? { gracePeriodSeconds: 0 } : {}),
          })
          .then(
            () => 1,
            (err: unknown) => {
              if (isReason(err, 'NotFound') || isReason(err, 'Conflict')) return 0;
              throw err;
            },
          ),
      ),
    );
    const deleted = results.reduce((a, b) => a + b, 0);
    if (deleted > 0) this.ctx.logger.info({ deleted, force }, 'pod GC deleted pods');
    return deleted;
  }
}
