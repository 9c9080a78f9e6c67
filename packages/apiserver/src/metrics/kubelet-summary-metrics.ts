import type { Api, Clock, KubeObject, Logger, Node, PodMetrics } from '@flotilla/core';
import { type KubeletClientOptions, requestKubelet } from '../node-proxy/kubelet-client.js';
import { kubeletEndpointOf } from '../node-proxy/node-target.js';
import type { NodeMetrics, ResourceMetricsSource } from './resource-metrics.js';

/** metrics-server's `--metric-resolution`: how long one scrape of the agents is served. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

/** The parts of the kubelet's `/stats/summary` (`stats/v1alpha1`) metrics-server reads. */
interface Usage {
  cpu?: { time?: string; usageNanoCores?: number };
  memory?: { time?: string; workingSetBytes?: number };
}
interface Summary {
  node?: { nodeName?: string } & Usage;
  pods?: ({ podRef?: { name?: string; namespace?: string }; containers?: ({ name?: string } & Usage)[] } & Usage)[];
}

/** Options of `KubeletSummaryMetrics`. */
export interface KubeletSummaryMetricsOptions {
  /** Where the Nodes (and their agents' endpoints) are read. */
  api: Api;
  /** How the agents are reached: the apiserver's `kubeletClient`. */
  kubelet: KubeletClientOptions;
  /** Time for the scrape's age. Default: the Api's clock. */
  clock?: Clock;
  /** Where an agent that cannot be scraped is reported. */
  logger?: Logger;
  /** How long one scrape is served before the agents are asked again. Default 15000 ms (metrics-server's resolution). */
  resolutionMs?: number;
}

/** CPU as metrics-server writes it: whole nanocores (`12345n`). */
const cpuQuantity = (usage: Usage) => `${Math.round(usage.cpu?.usageNanoCores ?? 0)}n`;
/** Memory as metrics-server writes it: the working set in KiB (`2048Ki`). */
const memoryQuantity = (usage: Usage) => `${Math.round((usage.memory?.workingSetBytes ?? 0) / 1024)}Ki`;
const usageOf = (usage: Usage) => ({ cpu: cpuQuantity(usage), memory: memoryQuantity(usage) });

/**
 * The metrics-server role inside the apiserver: every Node with a published
 * agent endpoint is asked for `/stats/summary` (all at once), and the
 * answers are turned into NodeMetrics and PodMetrics as metrics-server does
 * (CPU from `usageNanoCores`, memory from `workingSetBytes`). One scrape is
 * served for `resolutionMs`; concurrent readers share it.
 *
 * Caveats: a node whose agent cannot be reached is left out of the answer
 * (logged), as metrics-server leaves it out; `window` is the resolution, not
 * the interval the agent averaged over.
 */
export class KubeletSummaryMetrics implements ResourceMetricsSource {
  private scrape?: { at: number; result: Promise<{ nodes: NodeMetrics[]; pods: PodMetrics[] }> };

  constructor(private readonly options: KubeletSummaryMetricsOptions) {}

  /** Every reporting node's usage, from the current scrape. */
  async nodes(): Promise<NodeMetrics[]> {
    return (await this.current()).nodes;
  }

  /** Every reporting pod's usage, from the current scrape. */
  async pods(): Promise<PodMetrics[]> {
    return (await this.current()).pods;
  }

  private current(): Promise<{ nodes: NodeMetrics[]; pods: PodMetrics[] }> {
    const clock = this.options.clock ?? this.options.api.clock;
    const now = clock.now();
    const resolution = this.options.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
    if (!this.scrape || now - this.scrape.at >= resolution) {
      const result = this.scrapeAll(`${resolution / 1000}s`);
      this.scrape = { at: now, result };
      // A failed scrape is not served again.
      result.catch(() => {
        if (this.scrape?.result === result) this.scrape = undefined;
      });
    }
    return this.scrape.result;
  }

  private async scrapeAll(window: string): Promise<{ nodes: NodeMetrics[]; pods: PodMetrics[] }> {
    const nodes = (await this.options.api.resource<KubeObject>('Node').list()).items as Node[];
    const summaries = await Promise.all(nodes.map((node) => this.summaryOf(node.metadata.name)));
    const result: { nodes: NodeMetrics[]; pods: PodMetrics[] } = { nodes: [], pods: [] };
    for (const summary of summaries) {
      if (!summary?.node?.nodeName) continue;
      const node = summary.node;
      result.nodes.push({
        metadata: { name: node.nodeName! },
        timestamp: node.cpu?.time ?? new Date(0).toISOString(),
        window,
        usage: usageOf(node),
      });
      for (const pod of summary.pods ?? []) {
        if (!pod.podRef?.name || !pod.podRef.namespace) continue;
        result.pods.push({
          metadata: { name: pod.podRef.name, namespace: pod.podRef.namespace },
          timestamp: pod.cpu?.time ?? node.cpu?.time ?? new Date(0).toISOString(),
          window,
          containers: (pod.containers ?? []).map((c) => ({ name: c.name ?? '', usage: usageOf(c) })),
        });
      }
    }
    return result;
  }

  private async summaryOf(node: string): Promise<Summary | undefined> {
    try {
      const endpoint = await kubeletEndpointOf(this.options.api, node, this.options.kubelet);
      const res = await requestKubelet(this.options.kubelet, endpoint, '/stats/summary', {
        method: 'GET',
        signal: AbortSignal.timeout(this.options.kubelet.connectTimeoutMs ?? 10_000),
      });
      const chunks: Buffer[] = [];
      for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
      if (res.statusCode !== 200) throw new Error(`the agent answered ${res.statusCode}`);
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary;
    } catch (err) {
      this.options.logger?.warn({ err, node }, 'no resource metrics from node');
      return undefined;
    }
  }
}
