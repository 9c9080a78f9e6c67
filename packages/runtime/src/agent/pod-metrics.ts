/** CPU and memory use of one container, in metrics.k8s.io's shape (quantities as strings). */
export interface ContainerMetrics {
  name: string;
  usage: { cpu: string; memory: string };
}

/** Usage of one pod (metrics.k8s.io `PodMetrics`), what the autoscaler reads. */
export interface PodMetrics {
  metadata: { name: string; namespace: string };
  /** When the sample was taken (RFC 3339). */
  timestamp: string;
  /** Over how long the CPU figure was averaged, e.g. `15s`. */
  window: string;
  containers: ContainerMetrics[];
}

/**
 * Where an autoscaler gets per-pod usage: the metrics-server's role. The
 * NodeAgent publishes into an `InMemoryPodMetrics`; several agents may share
 * one, so it holds the whole cluster's pods.
 */
export interface PodMetricsSource {
  /** Usage of every known pod of the namespace (all namespaces when absent). */
  list(namespace?: string): PodMetrics[];
  /** Usage of one pod, or undefined until it has been sampled. */
  get(namespace: string, name: string): PodMetrics | undefined;
}

/** A `PodMetricsSource` that agents write to. */
export class InMemoryPodMetrics implements PodMetricsSource {
  private readonly pods = new Map<string, PodMetrics>();

  /** Replaces the sample of one pod. */
  set(metrics: PodMetrics): void {
    this.pods.set(`${metrics.metadata.namespace}/${metrics.metadata.name}`, metrics);
  }

  /** Drops a pod (it was deleted). */
  delete(namespace: string, name: string): void {
    this.pods.delete(`${namespace}/${name}`);
  }

  list(namespace?: string): PodMetrics[] {
    return [...this.pods.values()].filter((p) => namespace === undefined || p.metadata.namespace === namespace);
  }

  /** Usage of one pod, or undefined until it has been sampled. */
  get(namespace: string, name: string): PodMetrics | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }
}
