import { InMemoryPodMetrics, type Manager, type PodMetricsSource } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { ControllerRegistration } from '../controller-manager.js';
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
 * `podMetrics()` satisfies core's `PodMetricsSource` as is); without one an
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

/**
 * The preset entry for the HPA controller reading `metrics`: put it in
 * place of the default one to give the preset a metrics source, e.g.
 * `controllerRegistrations.map((r) => (r.name === 'horizontalpodautoscaling' ? horizontalPodAutoscalerRegistration(agent.podMetrics()) : r))`.
 */
export function horizontalPodAutoscalerRegistration(metrics?: PodMetricsSource): ControllerRegistration {
  return {
    name: 'horizontalpodautoscaling',
    defaultConcurrency: 5,
    register: (manager, opts) => registerHorizontalPodAutoscalerController(manager, { ...opts, metrics }),
  };
}
