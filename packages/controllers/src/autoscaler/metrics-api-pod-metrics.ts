import type { ClusterApi, KubeObject, PodMetrics, PodMetricsSource } from '@flotilla/core';

/** A `metrics.k8s.io/v1beta1` PodMetrics as listed (the fields the autoscaler reads). */
type PodMetricsObject = KubeObject & Pick<PodMetrics, 'timestamp' | 'window' | 'containers'>;

/**
 * The resource metrics API read through the Api: each `refresh(namespace)`
 * lists `PodMetrics` (`metrics.k8s.io/v1beta1`, served by Flotilla's
 * apiserver or a metrics-server) in that namespace, and `list`/`get` answer
 * from that listing, as Kubernetes' HPA reads one namespace's pod metrics
 * per evaluation.
 *
 * Caveat: an Api that does not serve the kind (the in-process Api, a
 * cluster without metrics-server) makes `refresh` reject; the autoscaler
 * then reports that it could not fetch metrics.
 */
export class MetricsApiPodMetrics implements PodMetricsSource {
  private readonly byNamespace = new Map<string, Map<string, PodMetrics>>();

  constructor(private readonly api: Pick<ClusterApi, 'resource'>) {}

  /** Lists the namespace's PodMetrics; what an earlier listing held is replaced. */
  async refresh(namespace: string): Promise<void> {
    this.byNamespace.delete(namespace);
    const list = await this.api.resource<PodMetricsObject>('PodMetrics').list({ namespace });
    const pods = new Map<string, PodMetrics>();
    for (const item of list.items) {
      const name = item.metadata.name;
      pods.set(name, {
        metadata: { name, namespace },
        timestamp: item.timestamp,
        window: item.window,
        containers: item.containers ?? [],
      });
    }
    this.byNamespace.set(namespace, pods);
  }

  /** The samples of the last `refresh` of the namespace (of every refreshed namespace when absent). */
  list(namespace?: string): PodMetrics[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    return [...this.byNamespace.values()].flatMap((pods) => [...pods.values()]);
  }

  /** One pod's sample from the last `refresh` of its namespace. */
  get(namespace: string, name: string): PodMetrics | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }
}
