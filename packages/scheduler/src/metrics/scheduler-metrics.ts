import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PendingPods } from '../queue/scheduling-queue.js';

/** How one scheduling attempt ended, as kube-scheduler labels it. */
export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

/** What the Scheduler reports. */
export interface SchedulerMetrics {
  attempt(result: AttemptResult, profile: string, seconds: number): void;
}

/** Reports nothing: the default when no registry is given. */
export const noSchedulerMetrics: SchedulerMetrics = { attempt() {} };

/**
 * kube-scheduler's metrics on `registry`: `scheduler_schedule_attempts_total{result,profile}`,
 * `scheduler_scheduling_attempt_duration_seconds{result,profile}` and
 * `scheduler_pending_pods{queue}` (active, backoff, unschedulable, gated; read from the queue on scrape).
 */
export function schedulerMetrics(registry: Registry, pending: () => PendingPods): SchedulerMetrics {
  const registers = [registry];
  const attempts = new Counter({
    name: 'scheduler_schedule_attempts_total',
    help: 'Number of attempts to schedule pods, by the result.',
    labelNames: ['result', 'profile'],
    registers,
  });
  const duration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds',
    help: 'Scheduling attempt latency in seconds: the scheduling cycle (filter, score, assume, reserve, permit); binding runs after it, asynchronously.',
    labelNames: ['result', 'profile'],
    buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096],
    registers,
  });
  new Gauge({
    name: 'scheduler_pending_pods',
    help: 'Number of pending pods, by the queue type.',
    labelNames: ['queue'],
    registers,
    collect() {
      const p = pending();
      this.set({ queue: 'active' }, p.active);
      this.set({ queue: 'backoff' }, p.backoff);
      this.set({ queue: 'unschedulable' }, p.unschedulable);
      this.set({ queue: 'gated' }, p.gated);
    },
  });
  return {
    attempt(result, profile, seconds) {
      attempts.inc({ result, profile });
      duration.observe({ result, profile }, seconds);
    },
  };
}
