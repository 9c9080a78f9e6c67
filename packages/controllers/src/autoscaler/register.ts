import type { ClusterApi, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { type HorizontalPodAutoscalerOptions, HorizontalPodAutoscalerReconciler } from './hpa-controller.js';
import { MetricsApiPodMetrics } from './metrics-api-pod-metrics.js';

/** Options of `registerHorizontalPodAutoscalerController`. */
export interface HorizontalPodAutoscalerRegisterOptions
  extends RegisterOptions,
    Partial<HorizontalPodAutoscalerOptions> {}

/**
 * Adds the HPA controller (`horizontalpodautoscaling`, 5 workers by default
 * as `--concurrent-horizontal-pod-autoscaler-syncs`). By default it reads
 * the resource metrics API (`metrics.k8s.io/v1beta1` PodMetrics) through
 * the manager's Api, as Kubernetes' HPA does: served by Flotilla's
 * apiserver from the node agents (a RemoteApi reaches it). On an Api that
 * does not serve it, pass a source instead: the runtime NodeAgent's
 * `podMetrics()` satisfies core's `PodMetricsSource` as is, and core's
 * `InMemoryPodMetrics` stays for tests.
 */
export function registerHorizontalPodAutoscalerController(
  manager: Manager<ClusterApi>,
  opts: HorizontalPodAutoscalerRegisterOptions = {},
): HorizontalPodAutoscalerReconciler {
  const ctx = managerContext(manager, 'horizontalpodautoscaling', 'horizontal-pod-autoscaler');
  const reconciler = new HorizontalPodAutoscalerReconciler(ctx, {
    ...opts,
    metrics: opts.metrics ?? new MetricsApiPodMetrics(manager.api),
  });
  manager
    .controller('horizontalpodautoscaling')
    .for('HorizontalPodAutoscaler')
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  return reconciler;
}
