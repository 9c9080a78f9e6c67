import { MetricsApiPodMetrics } from '@flotilla/controllers';
import type { PodMetrics, PodMetricsSource, RemoteApi } from '@flotilla/core';

/**
 * The autoscaler's pod usage read from `metrics.k8s.io` through the served
 * apiserver, as kube-controller-manager's HPA reads it. The cluster (and its
 * autoscaler) starts before its apiserver listens, so the source is
 * connected afterwards; until then an evaluation fails to fetch metrics and
 * the autoscaler tries again at its next sync, as it would against an
 * apiserver that is not up yet.
 */
export class ServedPodMetrics implements PodMetricsSource {
  private source?: MetricsApiPodMetrics;

  /** Reads through `api` (a RemoteApi on the served apiserver) from now on. */
  connect(api: RemoteApi): void {
    this.source = new MetricsApiPodMetrics(api);
  }

  /** Lists the namespace's PodMetrics through the apiserver. */
  async refresh(namespace: string): Promise<void> {
    if (!this.source) throw new Error('the apiserver that serves metrics.k8s.io is not listening yet');
    await this.source.refresh(namespace);
  }

  /** The samples of the last `refresh`. */
  list(namespace?: string): PodMetrics[] {
    return this.source?.list(namespace) ?? [];
  }

  /** One pod's sample from the last `refresh` of its namespace. */
  get(namespace: string, name: string): PodMetrics | undefined {
    return this.source?.get(namespace, name);
  }
}
