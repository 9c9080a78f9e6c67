import type { HorizontalPodAutoscaler } from '../model/autoscaling-v2.js';

/** CPU utilization an HPA without metrics aims for, as in Kubernetes. */
export const DEFAULT_HPA_CPU_UTILIZATION = 80;

/** HPA: minReplicas 1; no metrics means average CPU utilization 80%. */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  if (!hpa.spec) return;
  hpa.spec.minReplicas ??= 1;
  if (!hpa.spec.metrics || hpa.spec.metrics.length === 0) {
    hpa.spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_HPA_CPU_UTILIZATION } },
      },
    ];
  }
}
