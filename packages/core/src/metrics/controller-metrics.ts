import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registeredMetric } from './registered-metric.js';

/** How one reconcile ended, as controller-runtime labels `controller_runtime_reconcile_total`. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue_after' | 'terminal_error';

/** What a controller reports about its reconciles. */
export interface ControllerMetrics {
  /** Counts one reconcile by outcome and observes how long it took. */
  reconciled(outcome: ReconcileOutcome, seconds: number): void;
  /** A worker began a reconcile (`controller_runtime_active_workers` up). */
  workerStarted(): void;
  /** A worker finished its reconcile (`controller_runtime_active_workers` down). */
  workerStopped(): void;
}

/** Reports nothing: the default when no registry is given. */
export const noControllerMetrics: ControllerMetrics = { reconciled() {}, workerStarted() {}, workerStopped() {} };

/**
 * controller-runtime's metrics for one controller on `registry`:
 * `controller_runtime_reconcile_total{controller,result}`,
 * `controller_runtime_reconcile_errors_total`,
 * `controller_runtime_terminal_reconcile_errors_total`,
 * `controller_runtime_reconcile_time_seconds`,
 * `controller_runtime_max_concurrent_reconciles` and
 * `controller_runtime_active_workers`.
 */
export function controllerMetrics(registry: Registry, controller: string, concurrency: number): ControllerMetrics {
  const registers = [registry];
  const total = registeredMetric(
    registry,
    'controller_runtime_reconcile_total',
    () =>
      new Counter({
        name: 'controller_runtime_reconcile_total',
        help: 'Total number of reconciliations per controller',
        labelNames: ['controller', 'result'],
        registers,
      }),
  );
  const errors = registeredMetric(
    registry,
    'controller_runtime_reconcile_errors_total',
    () =>
      new Counter({
        name: 'controller_runtime_reconcile_errors_total',
        help: 'Total number of reconciliation errors per controller',
        labelNames: ['controller'],
        registers,
      }),
  );
  const terminal = registeredMetric(
    registry,
    'controller_runtime_terminal_reconcile_errors_total',
    () =>
      new Counter({
        name: 'controller_runtime_terminal_reconcile_errors_total',
        help: 'Total number of terminal reconciliation errors per controller',
        labelNames: ['controller'],
        registers,
      }),
  );
  const time = registeredMetric(
    registry,
    'controller_runtime_reconcile_time_seconds',
    () =>
      new Histogram({
        name: 'controller_runtime_reconcile_time_seconds',
        help: 'Length of time per reconciliation per controller',
        labelNames: ['controller'],
        buckets: [
          0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
          1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
        ],
        registers,
      }),
  );
  const maxConcurrent = registeredMetric(
    registry,
    'controller_runtime_max_concurrent_reconciles',
    () =>
      new Gauge({
        name: 'controller_runtime_max_concurrent_reconciles',
        help: 'Maximum number of concurrent reconciles per controller',
        labelNames: ['controller'],
        registers,
      }),
  );
  const active = registeredMetric(
    registry,
    'controller_runtime_active_workers',
    () =>
      new Gauge({
        name: 'controller_runtime_active_workers',
        help: 'Number of currently used workers per controller',
        labelNames: ['controller'],
        registers,
      }),
  );
  const labels = { controller };
  maxConcurrent.set(labels, concurrency);
  return {
    reconciled(outcome, seconds) {
      total.inc({ controller, result: outcome });
      if (outcome === 'error') errors.inc(labels);
      if (outcome === 'terminal_error') terminal.inc(labels);
      time.observe(labels, seconds);
    },
    workerStarted() {
      active.inc(labels);
    },
    workerStopped() {
      active.dec(labels);
    },
  };
}
