import type { Clock, Pod, TimerHandle } from '@flotilla/core';
import { PodInfo, podKey } from '../cache/pod-info.js';
import type { PodNominator } from '../framework/handle.js';
import type { ClusterEvent, QueuedPodRef } from '../framework/plugin.js';
import type { Status } from '../framework/status.js';
import { KeyedHeap } from './keyed-heap.js';
import { NominatedPods } from './nominator.js';

/** A pod in the scheduling queue, with its attempt history. */
export interface QueuedPodInfo extends QueuedPodRef {
  podInfo: PodInfo;
  /** When it (re-)entered the queue. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When it was first popped. */
  initialAttemptTimestamp?: number;
  /** Plugins that rejected it in its last attempt: only their events move it back. Empty = any event. */
  unschedulablePlugins: ReadonlySet<string>;
  /** Set when PreEnqueue refused it; it waits in the unschedulable set until updated. */
  gatedBy?: string;
}

/** Options of the SchedulingQueue. */
export interface SchedulingQueueOptions {
  clock: Clock;
  /** Active-queue order (the QueueSort plugin's). */
  less: (a: QueuedPodRef, b: QueuedPodRef) => boolean;
  /** PreEnqueue plugins; a refused pod is parked until it is updated. */
  preEnqueue?: (pod: Pod) => Status;
  /** Which events can help a pod rejected by these plugins (undefined = any event). */
  relevantEvents?: (plugins: ReadonlySet<string>) => ReadonlySet<string> | undefined;
  /** Default 1 s. */
  initialBackoffMs?: number;
  /** Default 10 s. */
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after at most this long. Default 5 min. */
  maxInUnschedulableMs?: number;
  /** Shared with the frameworks' handles; a pod leaving the queue for good leaves it too. Default: its own. */
  nominator?: NominatedPods;
}

/** Counts per sub-queue, for the `scheduler_pending_pods` gauge. */
export interface PendingPods {
  active: number;
  backoff: number;
  unschedulable: number;
  gated: number;
}

/**
 * kube-scheduler's scheduling queue: an active queue (QueueSort order:
 * priority, then time in queue), a backoff queue (pods that failed wait
 * 1 s, doubling per attempt up to 10 s) and an unschedulable set (pods
 * that fit nowhere wait for a cluster event that may help them, or 5
 * minutes). All timing comes from the Clock.
 *
 * Guarantees: a pod is in at most one sub-queue; `pop` hands each queued
 * pod out once per entry; a cluster event that happens while a pod is
 * being scheduled sends that pod to backoff instead of the unschedulable
 * set, so the event is not lost.
 */
export class SchedulingQueue implements PodNominator {
  private readonly clock: Clock;
  private readonly options: SchedulingQueueOptions;
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly nominated: NominatedPods;
  private readonly waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt = Number.POSITIVE_INFINITY;
  private leftoverTimer: TimerHandle | undefined;
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.clock;
    this.options = options;
    this.nominated = options.nominator ?? new NominatedPods();
    this.active = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.key, options.less);
    this.backoff = new KeyedHeap(
      (q) => q.podInfo.key,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  /** The cycle number the next popped pod gets. */
  get currentSchedulingCycle(): number {
    return this.schedulingCycle;
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const info = new PodInfo(pod);
    // A nomination made before (by an earlier run, say) still holds its room.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominated.addNominatedPod(info, nominated);
    this.enqueueActive({ podInfo: info, timestamp: this.clock.now(), attempts: 0, unschedulablePlugins: new Set() });
  }

  /** A pending pod changed: refresh it where it is; a parked pod gets another chance. */
  update(pod: Pod): void {
    const key = podKey(pod);
    const info = new PodInfo(pod);
    for (const heap of [this.active, this.backoff]) {
      const q = heap.get(key);
      if (q) {
        heap.push({ ...q, podInfo: info });
        return;
      }
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      this.unschedulable.delete(key);
      this.requeue({ ...parked, podInfo: info, gatedBy: undefined });
      return;
    }
    this.add(pod);
  }

  /** The pod is gone, or no longer pending (bound by someone). */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.nominated.deleteNominatedPod(key);
  }

  /** True if the pod is waiting in any sub-queue. */
  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /**
   * The next pod to schedule; waits while the active queue is empty.
   * Resolves undefined once the queue is closed or `signal` aborts.
   */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.started(q));
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (item: QueuedPodInfo | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(item ? this.started(item) : undefined);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * A popped pod fit nowhere. It waits in the unschedulable set for a
   * relevant event, unless one came during its cycle (then: backoff).
   */
  addUnschedulable(q: QueuedPodInfo, podSchedulingCycle: number, unschedulablePlugins: ReadonlySet<string>): void {
    if (this.has(q.podInfo.key) || this.closed) return;
    const next = { ...q, timestamp: this.clock.now(), unschedulablePlugins };
    if (this.moveRequestCycle >= podSchedulingCycle) this.pushBackoff(next);
    else this.unschedulable.set(q.podInfo.key, next);
  }

  /** A popped pod failed for another reason (error, bind failure): retry after backoff. */
  addBackoff(q: QueuedPodInfo): void {
    if (this.has(q.podInfo.key) || this.closed) return;
    this.pushBackoff({ ...q, timestamp: this.clock.now() });
  }

  /** A cluster event: parked pods it may help move to backoff (if still backing off) or active. */
  moveAllToActiveOrBackoff(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    for (const [key, q] of this.unschedulable) {
      if (q.gatedBy || !this.isRelevant(q, event)) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  /** Moves pods parked longer than the maximum back (run by `run`; public for tests and callers without timers). */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    const max = this.options.maxInUnschedulableMs ?? 300_000;
    for (const [key, q] of this.unschedulable) {
      if (q.gatedBy || now - q.timestamp < max) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  /** Flushes leftover unschedulable pods every 30 s until `signal` aborts, then closes the queue. */
  run(signal: AbortSignal, leftoverPeriodMs = 30_000): void {
    const tick = () => {
      this.flushUnschedulableLeftover();
      if (!this.closed) this.leftoverTimer = this.clock.setTimeout(tick, leftoverPeriodMs);
    };
    this.leftoverTimer = this.clock.setTimeout(tick, leftoverPeriodMs);
    signal.addEventListener('abort', () => this.close(), { once: true });
  }

  /** Stops the queue: waiting `pop` calls resolve undefined. */
  close(): void {
    this.closed = true;
    this.backoffTimer?.cancel();
    this.leftoverTimer?.cancel();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  pending(): PendingPods {
    let gated = 0;
    for (const q of this.unschedulable.values()) if (q.gatedBy) gated++;
    return {
      active: this.active.size,
      backoff: this.backoff.size,
      unschedulable: this.unschedulable.size - gated,
      gated,
    };
  }

  /** How long a pod with this many attempts backs off. */
  backoffDuration(attempts: number): number {
    const initial = this.options.initialBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 10_000;
    if (attempts <= 0) return 0;
    return Math.min(initial * 2 ** (attempts - 1), max);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.nominated.nominatedPodsForNode(nodeName);
  }

  addNominatedPod(pod: PodInfo, nodeName: string): void {
    this.nominated.addNominatedPod(pod, nodeName);
  }

  deleteNominatedPod(key: string): void {
    this.nominated.deleteNominatedPod(key);
  }

  private started(q: QueuedPodInfo): QueuedPodInfo {
    this.schedulingCycle++;
    return { ...q, attempts: q.attempts + 1, initialAttemptTimestamp: q.initialAttemptTimestamp ?? this.clock.now() };
  }

  private enqueueActive(q: QueuedPodInfo): void {
    if (this.closed) return;
    const gate = this.options.preEnqueue?.(q.podInfo.pod);
    if (gate && !gate.isSuccess()) {
      this.unschedulable.set(q.podInfo.key, { ...q, gatedBy: gate.plugin ?? 'PreEnqueue' });
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(q);
    else this.active.push(q);
  }

  /** Back to backoff if its backoff has not expired yet, else straight to active. */
  private requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.clock.now()) this.pushBackoff(q);
    else this.enqueueActive(q);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q.attempts);
  }

  private pushBackoff(q: QueuedPodInfo): void {
    this.backoff.push(q);
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    const head = this.backoff.peek();
    if (!head || this.closed) return;
    const at = this.backoffExpiry(head);
    if (this.backoffTimer && at >= this.backoffTimerAt) return;
    this.backoffTimer?.cancel();
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Number.POSITIVE_INFINITY;
      this.flushBackoffCompleted();
    }, at - this.clock.now());
  }

  private flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let head = this.backoff.peek(); head && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.backoff.pop();
      this.enqueueActive(head);
    }
    this.armBackoffTimer();
  }

  private isRelevant(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    const events = this.options.relevantEvents?.(q.unschedulablePlugins);
    return !events || events.has(event);
  }
}
