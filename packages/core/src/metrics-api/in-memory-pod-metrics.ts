import type { PodMetrics, PodMetricsSource } from './pod-metrics.js';

/**
 * An in-memory metrics API: node agents (or tests, or an adapter polling a
 * remote metrics-server) write samples, the autoscaler reads them. It lives
 * in core because the runtime package writes and the controllers package
 * reads, and the two never import each other.
 *
 * Guarantees: one sample per pod (`namespace/name`), the last `set` wins;
 * `list` and `get` see every write made before them. Several agents may
 * share one instance, so it can hold the whole cluster's pods.
 *
 * Caveats: samples are not aged out; whoever writes must `delete` a pod's
 * sample when the pod goes, or the autoscaler keeps reading it.
 */
export class InMemoryPodMetrics implements PodMetricsSource {
  private readonly pods = new Map<string, PodMetrics>();

  /** Replaces the sample of one pod. */
  set(metrics: PodMetrics): void {
    this.pods.set(podKey(metrics.metadata.namespace, metrics.metadata.name), metrics);
  }

  /** Drops a pod's sample (the pod was deleted or left this source). */
  delete(namespace: string, name: string): void {
    this.pods.delete(podKey(namespace, name));
  }

  /** Usage of every known pod of the namespace (all namespaces when absent). */
  list(namespace?: string): PodMetrics[] {
    return [...this.pods.values()].filter((p) => namespace === undefined || p.metadata.namespace === namespace);
  }

  /** Usage of one pod, or undefined until it has been sampled. */
  get(namespace: string, name: string): PodMetrics | undefined {
    return this.pods.get(podKey(namespace, name));
  }
}

function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
