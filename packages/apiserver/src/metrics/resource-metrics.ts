import type { PodMetrics } from '@flotilla/core';

/** Usage of one node (`metrics.k8s.io/v1beta1` `NodeMetrics`), quantities as strings (`250m`, `64Mi`). */
export interface NodeMetrics {
  /** The node's name. */
  metadata: { name: string };
  /** When the sample was taken (RFC 3339). */
  timestamp: string;
  /** Over how long the CPU figure was averaged, e.g. `15s`. */
  window: string;
  /** CPU (cores) and memory (working set) in use. */
  usage: { cpu: string; memory: string };
}

/**
 * Where the apiserver's `metrics.k8s.io` answers come from: the
 * metrics-server role. `KubeletSummaryMetrics` reads the node agents'
 * `/stats/summary`; any other implementation (a remote metrics-server, a
 * test's fixed figures) plugs in through `ApiServerOptions.metrics`.
 */
export interface ResourceMetricsSource {
  /** The latest usage of every node that reports. */
  nodes(): Promise<NodeMetrics[]>;
  /** The latest usage of every pod that reports, in every namespace. */
  pods(): Promise<PodMetrics[]>;
}
