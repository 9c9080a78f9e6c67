import type { ContainerStats } from '../cri/messages.js';

/** The parts of Docker's `/containers/{id}/stats` answer that CRI stats need (cgroup v1 and v2). */
export interface DockerStatsSample {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * CRI usage figures from one Docker stats sample: CPU nanocores from the
 * delta against the previous sample Docker includes (`precpu_stats`), and the
 * working set as the kubelet computes it (usage minus inactive file pages).
 */
export function toCriUsage(sample: DockerStatsSample, now: number): Pick<ContainerStats, 'cpu' | 'memory'> {
  const total = sample.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const prevTotal = sample.precpu_stats?.cpu_usage?.total_usage ?? 0;
  const system = sample.cpu_stats?.system_cpu_usage ?? 0;
  const prevSystem = sample.precpu_stats?.system_cpu_usage ?? 0;
  const cpus = sample.cpu_stats?.online_cpus ?? 1;
  const systemDelta = system - prevSystem;
  // system_cpu_usage sums every CPU's time; scale by the CPU count to get cores used.
  const usageNanoCores =
    prevTotal > 0 && systemDelta > 0 ? Math.round(((total - prevTotal) / systemDelta) * cpus * 1e9) : 0;
  const stats = sample.memory_stats?.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  const usage = sample.memory_stats?.usage ?? 0;
  const timestamp = sample.read ? Date.parse(sample.read) || now : now;
  return {
    cpu: { timestamp, usageCoreNanoSeconds: total, usageNanoCores: Math.max(0, usageNanoCores) },
    memory: { timestamp, workingSetBytes: Math.max(0, usage - inactive) },
  };
}
