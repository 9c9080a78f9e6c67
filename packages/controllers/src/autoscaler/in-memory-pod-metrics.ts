import type { PodMetrics, PodMetricsSource } from '@flotilla/core';

/**
 * An in-memory metrics API (metrics.k8s.io's `PodMetrics`) that tests and
 * adapters write samples into and the autoscaler reads. The runtime
 * package's NodeAgent keeps an equivalent one; both satisfy core's
 * `PodMetricsSource`, so an example passes the agent's source straight to
 * the autoscaler.
 */
export class InMemoryPodMetrics implements PodMetricsSource {
  private readonly pods = new Map<string, PodMetrics>();

  /** Replaces the sample of one pod. */
  set(metrics: PodMetrics): void {
    this.pods.set(`${metrics.metadata.namespace}/${metrics.metadata.name}`, metrics);
  }

  /** Drops a pod's sample. */
  delete(namespace: string, name: string): void {
    this.pods.delete(`${namespace}/${name}`);
  }

  list(namespace?: string): PodMetrics[] {
    return [...this.pods.values()].filter((p) => namespace === undefined || p.metadata.namespace === namespace);
  }

  /** Usage of one pod, or undefined until it has been recorded. */
  get(namespace: string, name: string): PodMetrics | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }
}
