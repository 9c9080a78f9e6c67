import { InMemoryPodMetrics, type Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { type HorizontalPodAutoscalerOptions, HorizontalPodAutoscalerReconciler } from './hpa-controller.js';

/** Options of `registerHorizontalPodAutoscalerController`. */
export interface HorizontalPodAutoscalerRegisterOptions
  extends RegisterOptions,
    Partial<HorizontalPodAutoscalerOptions> {}

/**
 * Adds the HPA controller (`horizontalpodautoscaling`, 5 workers by default
 * as `--concurrent-horizontal-pod-autoscaler-syncs`). Pass the metrics
 * source the node agents publish to (the runtime NodeAgent's
 * `podMetrics()` satisfies core's `PodMetricsSource` as is; the preset takes
 * it as `startControllerManager(manager, { metrics })`); without one an
 * empty in-memory source is used and every HPA reports that it has no
 * metrics.
 */
export function registerHorizontalPodAutoscalerController(
  manager: Manager,
  opts: HorizontalPodAutoscalerRegisterOptions = {},
): HorizontalPodAutoscalerReconciler {
  const ctx = managerContext(manager, 'horizontalpodautoscaling', 'horizontal-pod-autoscaler');
  if (!opts.metrics) ctx.logger.warn('no pod metrics source given: HPAs will report FailedGetResourceMetric');
  const reconciler = new HorizontalPodAutoscalerReconciler(ctx, {
    ...opts,
    metrics: opts.metrics ?? new InMemoryPodMetrics(),
  });
  manager
    .controller('horizontalpodautoscaling')
    .for('HorizontalPodAutoscaler')
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  return reconciler;
}
