/** CPU and memory use of one container, in metrics.k8s.io's shape (quantities as strings, e.g. `250m`, `64Mi`). */
export interface ContainerMetrics {
  name: string;
  usage: { cpu: string; memory: string };
}

/** Usage of one pod (metrics.k8s.io/v1beta1 `PodMetrics`). */
export interface PodMetrics {
  metadata: { name: string; namespace: string };
  /** When the sample was taken (RFC 3339). */
  timestamp: string;
  /** Over how long the CPU figure was averaged, e.g. `15s`. */
  window: string;
  containers: ContainerMetrics[];
}

/**
 * Where per-pod usage is read from: the metrics-server's role, the meeting
 * point of the node agents that measure (runtime package) and the
 * autoscaler that reads (controllers package), which never import each
 * other.
 *
 * Implementation: core's `InMemoryPodMetrics`, which runtime NodeAgents
 * fill and the controllers' autoscaler reads.
 *
 * Caveat: reads are synchronous; a source over a remote metrics API
 * fetches in `refresh`, which the autoscaler awaits first.
 */
export interface PodMetricsSource {
  /** Usage of every known pod of the namespace (all namespaces when absent). */
  list(namespace?: string): PodMetrics[];
  /** Usage of one pod, or undefined until it has been sampled. */
  get(namespace: string, name: string): PodMetrics | undefined;
  /**
   * Fetches the namespace's current samples, for a source that reads a
   * remote metrics API: the autoscaler awaits it before each evaluation,
   * then reads with `list` and `get`. In-memory sources have none.
   */
  refresh?(namespace: string): Promise<void>;
}
