import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock/clock.js';
import { registeredMetric } from './registered-metric.js';

/** What a WorkQueue reports about its items; one per queue. */
export interface WorkQueueMetrics<T> {
  /** `item` entered the queue (it was not already waiting). */
  added(item: T): void;
  /** A worker took `item`. */
  started(item: T): void;
  /** The worker finished `item`. */
  finished(item: T): void;
  /** `item` was handed to the rate limiter again. */
  retried(): void;
}

/** Reports nothing: the queue's default, so an unobserved queue pays only a call. */
export const noWorkQueueMetrics: WorkQueueMetrics<unknown> = {
  added() {},
  started() {},
  finished() {},
  retried() {},
};

/** client-go's buckets: 10 ns to 10 s, by factors of 10. */
const durationBuckets = Array.from({ length: 10 }, (_, i) => 1e-8 * 10 ** i);

/** Per-queue timing state the scrape-time gauges read. */
interface QueueTracker {
  readonly name: string;
  readonly clock: Clock;
  readonly processingSince: Map<unknown, number>;
}

const trackersByRegistry = new WeakMap<Registry, Set<QueueTracker>>();

/** The seconds of unfinished work per queue, computed when the registry is scraped. */
function inFlightSeconds(registry: Registry, reduce: (seconds: number[]) => number): [string, number][] {
  return [...(trackersByRegistry.get(registry) ?? [])].map((t) => {
    const now = t.clock.now();
    return [t.name, reduce([...t.processingSince.values()].map((since) => (now - since) / 1000))];
  });
}

function families(registry: Registry) {
  const labelNames = ['name'] as const;
  const registers = [registry];
  return {
    depth: registeredMetric(
      registry,
      'workqueue_depth',
      () => new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers }),
    ),
    adds: registeredMetric(
      registry,
      'workqueue_adds_total',
      () =>
        new Counter({
          name: 'workqueue_adds_total',
          help: 'Total number of adds handled by workqueue',
          labelNames,
          registers,
        }),
    ),
    queueDuration: registeredMetric(
      registry,
      'workqueue_queue_duration_seconds',
      () =>
        new Histogram({
          name: 'workqueue_queue_duration_seconds',
          help: 'How long in seconds an item stays in workqueue before being requested',
          labelNames,
          buckets: durationBuckets,
          registers,
        }),
    ),
    workDuration: registeredMetric(
      registry,
      'workqueue_work_duration_seconds',
      () =>
        new Histogram({
          name: 'workqueue_work_duration_seconds',
          help: 'How long in seconds processing an item from workqueue takes',
          labelNames,
          buckets: durationBuckets,
          registers,
        }),
    ),
    retries: registeredMetric(
      registry,
      'workqueue_retries_total',
      () =>
        new Counter({
          name: 'workqueue_retries_total',
          help: 'Total number of retries handled by workqueue',
          labelNames,
          registers,
        }),
    ),
    unfinished: registeredMetric(
      registry,
      'workqueue_unfinished_work_seconds',
      () =>
        new Gauge({
          name: 'workqueue_unfinished_work_seconds',
          help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
          labelNames,
          registers,
          collect() {
            for (const [name, s] of inFlightSeconds(registry, (all) => all.reduce((a, b) => a + b, 0)))
              this.set({ name }, s);
          },
        }),
    ),
    longest: registeredMetric(
      registry,
      'workqueue_longest_running_processor_seconds',
      () =>
        new Gauge({
          name: 'workqueue_longest_running_processor_seconds',
          help: 'How many seconds has the longest running processor for workqueue been running',
          labelNames,
          registers,
          collect() {
            for (const [name, s] of inFlightSeconds(registry, (all) => Math.max(0, ...all))) this.set({ name }, s);
          },
        }),
    ),
  };
}

/**
 * Kubernetes' workqueue metrics (`workqueue_depth`, `workqueue_adds_total`,
 * `workqueue_queue_duration_seconds`, `workqueue_work_duration_seconds`,
 * `workqueue_retries_total`, `workqueue_unfinished_work_seconds`,
 * `workqueue_longest_running_processor_seconds`), labelled with the queue's
 * `name`, on the given registry. Durations are read from `clock`.
 *
 * Caveat: the two in-flight gauges are computed when the registry is scraped,
 * not on a timer as in client-go, so they are exact at scrape time.
 */
export function workQueueMetrics<T>(registry: Registry, name: string, clock: Clock): WorkQueueMetrics<T> {
  const m = families(registry);
  const labels = { name };
  const addedAt = new Map<T, number>();
  const tracker: QueueTracker = { name, clock, processingSince: new Map() };
  const trackers = trackersByRegistry.get(registry) ?? new Set<QueueTracker>();
  trackersByRegistry.set(registry, trackers);
  trackers.add(tracker);
  return {
    added(item) {
      m.adds.inc(labels);
      m.depth.inc(labels);
      if (!addedAt.has(item)) addedAt.set(item, clock.now());
    },
    started(item) {
      m.depth.dec(labels);
      const since = addedAt.get(item);
      if (since !== undefined) m.queueDuration.observe(labels, (clock.now() - since) / 1000);
      addedAt.delete(item);
      tracker.processingSince.set(item, clock.now());
    },
    finished(item) {
      const since = tracker.processingSince.get(item);
      if (since !== undefined) m.workDuration.observe(labels, (clock.now() - since) / 1000);
      tracker.processingSince.delete(item);
    },
    retried() {
      m.retries.inc(labels);
    },
  };
}
