import { type Clock, type InMemoryPodMetrics, toTimestamp } from '@flotilla/core';
import type { RuntimeService } from '../../cri/services.js';
import { NODE_NAME_LABEL } from '../pod-worker.js';
import { buildStatsSummary, type StatsSummary } from './stats-summary.js';
import { UsageHistory, type UsageHistorySnapshot } from './usage-history.js';

/**
 * The cAdvisor and metrics-pipeline role of a node agent: reads the
 * runtime's container stats into the kubelet's Summary, and on each sample
 * also feeds the in-process metrics store (the autoscaler's source) and the
 * usage history.
 */
export class NodeStats {
  /** The samples taken so far, over the configured window. */
  readonly history: UsageHistory;
  private readonly startedAt: number;

  constructor(
    private readonly runtime: Pick<RuntimeService, 'listContainerStats' | 'listContainers'>,
    private readonly nodeName: string,
    private readonly clock: Clock,
    private readonly metrics: InMemoryPodMetrics,
    private readonly intervalMs: number,
    historyWindowMs?: number,
  ) {
    this.startedAt = clock.now();
    this.history = new UsageHistory({ intervalMs, ...(historyWindowMs ? { windowMs: historyWindowMs } : {}) });
  }

  /** The node's and its pods' usage now. */
  async summary(): Promise<StatsSummary> {
    const selector = { labelSelector: { [NODE_NAME_LABEL]: this.nodeName } };
    const [stats, containers] = await Promise.all([
      this.runtime.listContainerStats(selector),
      this.runtime.listContainers({ ...selector, state: 'CONTAINER_RUNNING' }),
    ]);
    return buildStatsSummary(
      { nodeName: this.nodeName, nodeStartTime: this.startedAt, stats, containers },
      this.clock.now(),
    );
  }

  /** The history over its window, ending now. */
  snapshot(): UsageHistorySnapshot {
    return this.history.snapshot(this.clock.now());
  }

  /** Takes one sample: the metrics store gets each pod's containers, the history the node's and pods' totals. */
  async sample(): Promise<void> {
    const summary = await this.summary();
    const now = this.clock.now();
    const window = `${Math.round(this.intervalMs / 1000)}s`;
    const reading = (u: { cpu: { usageNanoCores: number }; memory: { workingSetBytes: number } }) => ({
      time: now,
      cpuNanoCores: u.cpu.usageNanoCores,
      memoryWorkingSetBytes: u.memory.workingSetBytes,
    });
    this.history.recordNode(reading(summary.node));
    for (const p of summary.pods) {
      this.history.recordPod(p.podRef.namespace, p.podRef.name, reading(p));
      this.metrics.set({
        metadata: { namespace: p.podRef.namespace, name: p.podRef.name },
        timestamp: toTimestamp(now),
        window,
        containers: p.containers.map((c) => ({
          name: c.name,
          usage: { cpu: `${c.cpu.usageNanoCores}n`, memory: String(c.memory.workingSetBytes) },
        })),
      });
    }
  }

  /** Forgets a pod that left the node. */
  forgetPod(namespace: string, name: string): void {
    this.metrics.delete(namespace, name);
    this.history.forgetPod(namespace, name);
  }
}
