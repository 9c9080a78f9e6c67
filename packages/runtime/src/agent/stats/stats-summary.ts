import { criLabels } from '../../cri/labels.js';
import type { Container, ContainerStats } from '../../cri/messages.js';

/** CPU usage as the kubelet's Summary API reports it. */
export interface CpuUsage {
  /** RFC 3339 time of the reading. */
  time: string;
  /** CPU in use, in billionths of a core. */
  usageNanoCores: number;
  /** Cumulative CPU time, in core-nanoseconds. */
  usageCoreNanoSeconds: number;
}

/** Memory usage as the kubelet's Summary API reports it. */
export interface MemoryUsage {
  time: string;
  workingSetBytes: number;
}

/** One container's usage (`stats/v1alpha1` ContainerStats). */
export interface ContainerUsageSummary {
  name: string;
  startTime: string;
  cpu: CpuUsage;
  memory: MemoryUsage;
}

/** One pod's usage: its containers' and their sums (`stats/v1alpha1` PodStats). */
export interface PodUsageSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerUsageSummary[];
  cpu: CpuUsage;
  memory: MemoryUsage;
}

/** The node's usage (`stats/v1alpha1` NodeStats). */
export interface NodeUsageSummary {
  nodeName: string;
  startTime: string;
  cpu: CpuUsage;
  memory: MemoryUsage;
}

/** The kubelet's `/stats/summary` answer (the parts metrics-server reads). */
export interface StatsSummary {
  node: NodeUsageSummary;
  pods: PodUsageSummary[];
}

/** What a summary is built from: one stats sample of every running container, and their containers. */
export interface StatsSummaryInput {
  nodeName: string;
  /** When the agent started (the node's `startTime`). */
  nodeStartTime: number;
  stats: ContainerStats[];
  /** The same containers as listed (for their creation times). */
  containers: Container[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function sum(parts: { cpu: CpuUsage; memory: MemoryUsage }[], time: string): { cpu: CpuUsage; memory: MemoryUsage } {
  let nanoCores = 0;
  let coreNanoSeconds = 0;
  let workingSet = 0;
  for (const p of parts) {
    nanoCores += p.cpu.usageNanoCores;
    coreNanoSeconds += p.cpu.usageCoreNanoSeconds;
    workingSet += p.memory.workingSetBytes;
  }
  return {
    cpu: { time, usageNanoCores: nanoCores, usageCoreNanoSeconds: coreNanoSeconds },
    memory: { time, workingSetBytes: workingSet },
  };
}

/**
 * Groups container samples into the kubelet's Summary: containers by pod
 * (the CRI labels name the pod), pod totals as the sums of their containers,
 * and the node as the sum of its pods (a simulated node has no machine of
 * its own; on a real one this leaves out what runs outside pods).
 */
export function buildStatsSummary(input: StatsSummaryInput, now: number): StatsSummary {
  const time = iso(now);
  const created = new Map(input.containers.map((c) => [c.id, c.createdAt]));
  const pods = new Map<string, PodUsageSummary>();
  for (const s of input.stats) {
    const labels = s.attributes.labels;
    const namespace = labels[criLabels.podNamespace] ?? '';
    const name = labels[criLabels.podName] ?? '';
    const key = `${namespace}/${name}`;
    const startedAt = created.get(s.attributes.id) ?? now;
    let pod = pods.get(key);
    if (!pod) {
      pod = {
        podRef: { name, namespace, uid: labels[criLabels.podUid] ?? '' },
        startTime: iso(startedAt),
        containers: [],
        ...sum([], time),
      };
      pods.set(key, pod);
    }
    if (iso(startedAt) < pod.startTime) pod.startTime = iso(startedAt);
    pod.containers.push({
      name: s.attributes.metadata.name,
      startTime: iso(startedAt),
      cpu: {
        time: iso(s.cpu.timestamp || now),
        usageNanoCores: s.cpu.usageNanoCores,
        usageCoreNanoSeconds: s.cpu.usageCoreNanoSeconds,
      },
      memory: { time: iso(s.memory.timestamp || now), workingSetBytes: s.memory.workingSetBytes },
    });
  }
  const podList = [...pods.values()].map((p) => ({ ...p, ...sum(p.containers, time) }));
  podList.sort(
    (a, b) => a.podRef.namespace.localeCompare(b.podRef.namespace) || a.podRef.name.localeCompare(b.podRef.name),
  );
  return {
    node: { nodeName: input.nodeName, startTime: iso(input.nodeStartTime), ...sum(podList, time) },
    pods: podList,
  };
}
