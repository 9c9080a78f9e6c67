import type { Registry } from 'prom-client';
import { type Clock, RealClock, type TimerHandle } from '../clock/clock.js';
import { noWorkQueueMetrics, type WorkQueueMetrics, workQueueMetrics } from '../metrics/workqueue-metrics.js';
import { Fifo } from './fifo.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';

/** Options of a WorkQueue. */
export interface WorkQueueOptions<T> {
  /** Time source for `addAfter`, the rate limiter and metrics. Default the wall clock. */
  clock?: Clock;
  /** Used by `addRateLimited`. Default `defaultControllerRateLimiter()` on the queue's clock. */
  rateLimiter?: RateLimiter<T>;
  /** Names the queue in metrics and logs. */
  name?: string;
  /** Where to register Kubernetes' `workqueue_*` metrics (labelled by `name`). None when absent. */
  metrics?: Registry;
}

/** What `get` resolves to: the next key, or the news that the queue shut down and is empty. */
export type WorkQueueItem<T> = { key: T; shutdown: false } | { shutdown: true };

/**
 * A work queue with client-go's semantics, for handing keys from event
 * handlers to reconcile workers.
 *
 * Guarantees:
 * - Deduplication: a key added while it waits in the queue is queued once.
 * - Exclusion: a key handed out by `get` is not handed out again until `done`
 *   is called for it, so no two workers process one key at the same time.
 * - No lost wake-ups: a key added while it is being processed is queued again
 *   when `done` is called, so the latest state is always looked at.
 * - FIFO order otherwise.
 * - `addAfter` keeps the earliest requested time for a key that is already
 *   waiting; all time comes from the injected Clock.
 *
 * Caveats:
 * - Keys are compared with `Map` semantics (`===`), so use strings or other
 *   primitives, not freshly built objects.
 * - After `shutDown`, adds are ignored but keys already queued are still
 *   handed out; `get` reports `shutdown` once the queue is empty. Every
 *   `get` must be paired with `done`.
 */
export class WorkQueue<T = string> {
  /** The name used in metrics. */
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  private readonly metrics: WorkQueueMetrics<T>;
  private readonly queue = new Fifo<T>();
  /** Keys that need processing: queued, or re-added while processing. */
  private readonly dirty = new Set<T>();
  /** Keys handed out by `get` and not yet `done`. */
  private readonly processing = new Set<T>();
  /** A microtask will hand queued keys to waiting workers. */
  private serveScheduled = false;
  private readonly waiting = new Map<T, { at: number; timer: TimerHandle }>();
  private readonly getters: ((item: WorkQueueItem<T>) => void)[] = [];
  private drained: (() => void)[] = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.name = options.name ?? '';
    this.clock = options.clock ?? new RealClock();
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<T>({ clock: this.clock });
    this.metrics = options.metrics
      ? workQueueMetrics<T>(options.metrics, this.name, this.clock)
      : (noWorkQueueMetrics as WorkQueueMetrics<T>);
  }

  /** Number of keys waiting to be handed out (not counting delayed or in-process keys). */
  get length(): number {
    return this.queue.length;
  }

  /** True once `shutDown` or `shutDownWithDrain` was called. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Queues `key` unless it is already queued; if it is being processed, queues it again after `done`. */
  add(key: T): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.added(key);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` after `ms` milliseconds (now, when `ms <= 0`). An earlier pending time for the key wins. */
  addAfter(key: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Adds `key` after the delay its rate limiter gives (one more failure for the key). */
  addRateLimited(key: T): void {
    this.metrics.retried();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets `key`'s failure history in the rate limiter; call it when the key was processed successfully. */
  forget(key: T): void {
    this.rateLimiter.forget(key);
  }

  /** How many times `key` was rate limited since it was last forgotten. */
  numRequeues(key: T): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key, waiting for one if the queue is empty. Resolves
   * `{ shutdown: true }` once the queue is shut down and empty. Call `done`
   * with the key when finished with it.
   */
  get(): Promise<WorkQueueItem<T>> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.handOut(key));
    if (this.shuttingDown) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `key` as processed; if it was added meanwhile, it is queued again now. Ignored for a key not handed out. */
  done(key: T): void {
    // A stray `done` for a key that is not being processed must not queue a second copy of it.
    if (!this.processing.delete(key)) return;
    this.metrics.finished(key);
    if (this.dirty.has(key)) this.enqueue(key);
    else if (this.processing.size === 0 && this.drained.length > 0) {
      for (const resolve of this.drained) resolve();
      this.drained = [];
    }
  }

  /** Stops intake: further adds are ignored, delayed adds are dropped, idle `get` calls resolve `shutdown`. */
  shutDown(): void {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      for (const { timer } of this.waiting.values()) timer.cancel();
      this.waiting.clear();
    }
    for (const resolve of this.getters.splice(0)) resolve({ shutdown: true });
  }

  /** Shuts down, then resolves when every key handed out has been marked `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private enqueue(key: T): void {
    this.queue.push(key);
    // A waiting worker takes the key on the next microtask, not now: until then the key stays dirty, so the adds
    // of the same event (an update maps its old and its new state to one key) coalesce as in client-go, instead of
    // the second one finding the key already processing and queueing a second reconcile.
    if (this.getters.length > 0 && !this.serveScheduled) {
      this.serveScheduled = true;
      queueMicrotask(() => this.serveGetters());
    }
  }

  private serveGetters(): void {
    this.serveScheduled = false;
    while (this.getters.length > 0 && this.queue.length > 0) {
      const getter = this.getters.shift() as (item: WorkQueueItem<T>) => void;
      getter(this.handOut(this.queue.shift() as T));
    }
  }

  private handOut(key: T): WorkQueueItem<T> {
    this.dirty.delete(key);
    this.processing.add(key);
    this.metrics.started(key);
    return { key, shutdown: false };
  }
}
