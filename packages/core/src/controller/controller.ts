import type { Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { type Clock, RealClock, type TimerHandle } from '../clock/clock.js';
import { TimeoutError } from '../errors/api-errors.js';
import { objectKey, parseObjectKey } from '../informer/object-key.js';
import type { InformerEvent, SharedInformer } from '../informer/types.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import {
  type ControllerMetrics,
  controllerMetrics,
  noControllerMetrics,
  type ReconcileOutcome,
} from '../metrics/controller-metrics.js';
import type { KubeObject } from '../model/meta.js';
import type { RateLimiter } from '../workqueue/rate-limiters.js';
import { WorkQueue } from '../workqueue/work-queue.js';
import type { Predicate } from './predicates.js';
import { type ReconcileRequest, type Reconciler, TerminalError } from './reconciler.js';
import type { Runnable } from './runnable.js';

/** One event source of a controller: an informer and how its events map to reconcile requests. */
export interface ControllerSource {
  informer: SharedInformer;
  /** The keys an event of this source should enqueue (none to ignore it). */
  toRequests(event: InformerEvent): ReconcileRequest[];
}

/** Options of a `Controller`. The builder (`manager.controller(name)`) fills them in. */
export interface ControllerOptions {
  /** Names the controller in logs, metrics and its work queue. */
  name: string;
  reconciler: Reconciler;
  sources: ControllerSource[];
  /** Every predicate must pass for an event to enqueue anything. */
  predicates?: Predicate[];
  /** Reconciles running at once, on different keys. Default 1. */
  concurrency?: number;
  /** Aborts a reconcile's `ctx.signal` after this long. Default: no timeout. */
  reconcileTimeoutMs?: number;
  /** Backoff for failed keys. Default `defaultControllerRateLimiter()`. */
  rateLimiter?: RateLimiter<string>;
  /**
   * Events enqueue their keys this long after the first of a burst instead
   * of at once, so many changes to one object's dependents (a ReplicaSet's
   * pods starting) lead to one reconcile, as Kubernetes' endpoint and Job
   * controllers batch pod updates. Default 0: at once. Requeues and retries
   * are not delayed.
   */
  batchPeriodMs?: number;
  /**
   * Wall-clock milliseconds a worker may reconcile back to back before it
   * lets the event loop run timers and I/O (one `setImmediate`) ahead of its
   * next key. In-process writes and watch events resolve on microtasks, so a
   * controller whose syncs keep finding work otherwise holds the loop until
   * its queue empties, starving every timer in the process (Lease renewals,
   * probes). Default: no yield.
   */
  yieldEveryMs?: number;
  /** How long in-flight reconciles may finish after stop before their signals abort. Default 30 s. */
  drainTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
  metrics?: Registry;
}

/**
 * Runs a reconciler over a work queue fed by informer events
 * (controller-runtime's `Controller`).
 *
 * Guarantees:
 * - Never reconciles one key concurrently: the queue hands a key to one
 *   worker at a time, and a key changed meanwhile is reconciled again after.
 * - A thrown error requeues the key with the rate limiter's backoff and is
 *   logged with the key; a `TerminalError` is logged and not retried until
 *   an event for the object arrives; `requeueAfterMs` requeues after that
 *   delay; success resets the key's backoff.
 * - On stop, no new reconcile starts; in-flight ones get `drainTimeoutMs` to
 *   finish, after which their `ctx.signal` aborts and stop completes.
 * - It can be started again after it stopped (a new leadership term), with a
 *   fresh queue that the informers' cache replay refills.
 *
 * Caveats: a reconciler that ignores `ctx.signal` may still be running when
 * `start` resolves after the drain timeout.
 */
export class Controller implements Runnable {
  readonly name: string;
  readonly needLeaderElection = true;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: ControllerMetrics;
  private readonly concurrency: number;
  private readonly sources: ControllerSource[];
  /** While running: subscribes a source to the running queue. */
  private follow: ((source: ControllerSource) => void) | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.sources = [...options.sources];
    this.name = options.name;
    this.clock = options.clock ?? new RealClock();
    this.logger = (options.logger ?? silentLogger()).child({ controller: options.name });
    this.concurrency = options.concurrency ?? 1;
    this.metrics = options.metrics
      ? controllerMetrics(options.metrics, options.name, this.concurrency)
      : noControllerMetrics;
  }

  /**
   * Adds an event source, also while the controller runs (for a kind
   * registered after it started): the informer's cache replay enqueues what
   * it already holds, and later starts follow it too.
   */
  watch(source: ControllerSource): void {
    this.sources.push(source);
    this.follow?.(source);
  }

  /** Runs until `signal` aborts, then drains; resolves once stopped. */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const queue = new WorkQueue<string>({
      clock: this.clock,
      name: this.name,
      rateLimiter: this.options.rateLimiter,
      metrics: this.options.metrics,
    });
    const inFlight = new Set<AbortController>();
    const batchPeriodMs = this.options.batchPeriodMs ?? 0;
    const subscriptions: Subscription[] = [];
    this.follow = (source) =>
      subscriptions.push(
        source.informer.events$.subscribe((event) => {
          if (!(this.options.predicates ?? []).every((p) => p(event))) return;
          for (const req of source.toRequests(event)) {
            const key = objectKey(req.namespace, req.name);
            if (batchPeriodMs > 0) queue.addAfter(key, batchPeriodMs);
            else queue.add(key);
          }
        }),
      );
    for (const source of this.sources) this.follow(source);
    this.logger.info({ workers: this.concurrency }, 'starting workers');
    const workers = Array.from({ length: this.concurrency }, () => this.work(queue, signal, inFlight));
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.follow = undefined;
    for (const s of subscriptions) s.unsubscribe();
    queue.shutDown();
    await this.drain(Promise.all(workers), inFlight);
    this.logger.info('stopped');
  }

  private async drain(workers: Promise<unknown>, inFlight: Set<AbortController>): Promise<void> {
    const timeout = new AbortController();
    const timedOut = this.clock.sleep(this.options.drainTimeoutMs ?? 30_000, timeout.signal).then(
      () => true,
      () => false,
    );
    const expired = await Promise.race([workers.then(() => false), timedOut]);
    timeout.abort();
    if (!expired) return;
    this.logger.warn({ inFlight: inFlight.size }, 'reconciles still running after the drain timeout; aborting them');
    for (const ac of inFlight) ac.abort(new TimeoutError(`controller ${this.name} is stopping`));
  }

  private async work(queue: WorkQueue<string>, stop: AbortSignal, inFlight: Set<AbortController>): Promise<void> {
    this.metrics.workerStarted();
    const yieldEveryMs = this.options.yieldEveryMs;
    let since = performance.now();
    try {
      for (;;) {
        const item = await queue.get();
        if (item.shutdown) return;
        if (stop.aborted) queue.done(item.key);
        else await this.reconcileKey(queue, item.key, inFlight);
        if (yieldEveryMs !== undefined && performance.now() - since >= yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          since = performance.now();
        }
      }
    } finally {
      this.metrics.workerStopped();
    }
  }

  private async reconcileKey(queue: WorkQueue<string>, key: string, inFlight: Set<AbortController>): Promise<void> {
    const ac = new AbortController();
    inFlight.add(ac);
    const timeoutMs = this.options.reconcileTimeoutMs;
    const timer: TimerHandle | undefined = timeoutMs
      ? this.clock.setTimeout(
          () => ac.abort(new TimeoutError(`reconcile of ${key} exceeded ${timeoutMs} ms`)),
          timeoutMs,
        )
      : undefined;
    const started = this.clock.now();
    let outcome: ReconcileOutcome = 'success';
    const base = this.logger;
    let child: Logger | undefined;
    try {
      const result = await this.options.reconciler.reconcile(parseObjectKey(key), {
        signal: ac.signal,
        // Built on first use: most reconciles never log, and a child logger per call is not free.
        get logger() {
          child ??= base.child({ key });
          return child;
        },
      });
      queue.forget(key);
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        outcome = 'requeue_after';
        queue.addAfter(key, result.requeueAfterMs);
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        outcome = 'terminal_error';
        queue.forget(key);
        this.logger.error({ err, key }, 'Reconciler error (terminal): not retried until the object changes');
      } else {
        outcome = 'error';
        queue.addRateLimited(key);
        this.logger.error({ err, key, requeues: queue.numRequeues(key) }, 'Reconciler error: requeued with backoff');
      }
    } finally {
      timer?.cancel();
      inFlight.delete(ac);
      queue.done(key);
      this.metrics.reconciled(outcome, (this.clock.now() - started) / 1000);
    }
  }
}

/** Requests for the object of an event itself. */
export function requestForObject(event: InformerEvent<KubeObject>): ReconcileRequest[] {
  return [{ namespace: event.object.metadata.namespace, name: event.object.metadata.name }];
}
