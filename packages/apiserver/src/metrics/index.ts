export {
  DEFAULT_METRIC_RESOLUTION_MS,
  KubeletSummaryMetrics,
  type KubeletSummaryMetricsOptions,
} from './kubelet-summary-metrics.js';
export { METRICS_GROUP, METRICS_VERSION } from './metrics-group.js';
export type { NodeMetrics, ResourceMetricsSource } from './resource-metrics.js';
