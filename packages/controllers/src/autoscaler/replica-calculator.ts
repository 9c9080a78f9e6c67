/** Kubernetes' `--horizontal-pod-autoscaler-tolerance`: ratios within 10% of 1 change nothing. */
export const DEFAULT_TOLERANCE = 0.1;

/** One pod as the replica calculator sees it. */
export interface PodSample {
  name: string;
  /** Phase Pending: always grouped as unready, sample or not. */
  pending?: boolean;
  /** Ready (for cpu; Kubernetes does not look at readiness for other resources): counted with its metric. */
  ready: boolean;
  /** Usage of the resource (millicores or bytes); undefined when the metrics API has no sample. */
  usage?: number;
  /** Sum of the containers' requests for the resource; needed for utilization targets. */
  request?: number;
}

/** What the metric aims for: average utilization of requests (percent) or an average value per pod. */
export type ResourceTarget = { utilization: number } | { averageValue: number };

/** The outcome for one metric. */
export interface ReplicaProposal {
  replicas: number;
  /** The current average utilization (percent, rounded down) for utilization targets. */
  utilization?: number;
  /** The current average usage per pod with a sample. */
  averageValue: number;
}

/** The pods of one evaluation, grouped as Kubernetes' `groupPods` does. */
export interface PodGroups {
  /** Ready pods with a sample: their usage by name. */
  ready: Map<string, number>;
  /** Pending pods, and running pods not ready, that have a sample: 0 usage on a scale-up, left out otherwise. */
  unready: PodSample[];
  /** Running pods without a sample: assumed at the target on a scale-down, at 0 on a scale-up. */
  missing: PodSample[];
}

/**
 * Groups pods as Kubernetes' HPA (`groupPods` in replica_calculator.go):
 * a pending pod is unready; then a pod without a sample is missing
 * (whether ready or not); then a pod that is not ready is unready; the
 * rest are ready with their usage.
 */
export function groupPodSamples(pods: readonly PodSample[]): PodGroups {
  const groups: PodGroups = { ready: new Map(), unready: [], missing: [] };
  for (const p of pods) {
    if (p.pending) groups.unready.push(p);
    else if (p.usage === undefined) groups.missing.push(p);
    else if (!p.ready) groups.unready.push(p);
    else groups.ready.set(p.name, p.usage);
  }
  return groups;
}

function ratio(samples: ReadonlyMap<string, PodSample>, usage: ReadonlyMap<string, number>, target: ResourceTarget) {
  let used = 0;
  let requested = 0;
  for (const [name, value] of usage) {
    used += value;
    requested += samples.get(name)?.request ?? 0;
  }
  const averageValue = usage.size > 0 ? used / usage.size : 0;
  if ('utilization' in target) {
    const utilization = requested > 0 ? (used * 100) / requested : 0;
    return { usageRatio: utilization / target.utilization, utilization: Math.floor(utilization), averageValue };
  }
  return { usageRatio: averageValue / target.averageValue, utilization: undefined, averageValue };
}

/**
 * Kubernetes' replica calculator for a resource metric (`GetResourceReplicas`):
 *
 * - ratio = current usage / target (utilization of requests, or average value);
 * - within the tolerance of 1, the current count stays;
 * - pods without a sample are assumed, on a scale-down, to use 100% of
 *   their request (or the target, if higher) — the target average value for
 *   value targets — and 0 on a scale-up; unready pods count as 0 on a
 *   scale-up; the ratio is then recomputed, and the count stays if it lands
 *   within tolerance or flips direction;
 * - desired = ceil(ratio x pods counted).
 *
 * Pure: the caller gathers pods and samples.
 *
 * @throws Error when a utilization target meets a pod without a request for the resource.
 */
export function calculateReplicas(
  currentReplicas: number,
  pods: readonly PodSample[],
  target: ResourceTarget,
  tolerance = DEFAULT_TOLERANCE,
): ReplicaProposal {
  if ('utilization' in target) {
    const missing = pods.find((p) => !p.request);
    if (missing) throw new Error(`missing request for the resource on pod ${missing.name}: set resources.requests`);
  }
  const byName = new Map(pods.map((p) => [p.name, p]));
  const { ready: usage, unready, missing } = groupPodSamples(pods);
  if (usage.size === 0 && missing.length === 0)
    throw new Error('no pod is ready to report metrics; waiting for ready pods');
  if (usage.size === 0) throw new Error('the metrics API has no sample for any ready pod yet');
  const first = ratio(byName, usage, target);
  const report = (replicas: number): ReplicaProposal => ({
    replicas,
    averageValue: first.averageValue,
    ...(first.utilization === undefined ? {} : { utilization: first.utilization }),
  });
  const scaleUpWithUnready = unready.length > 0 && first.usageRatio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.usageRatio) <= tolerance) return report(currentReplicas);
    return report(Math.ceil(first.usageRatio * usage.size));
  }
  const adjusted = new Map(usage);
  for (const p of missing) {
    if (first.usageRatio < 1) {
      adjusted.set(
        p.name,
        'utilization' in target ? ((p.request ?? 0) * Math.max(100, target.utilization)) / 100 : target.averageValue,
      );
    } else if (first.usageRatio > 1) adjusted.set(p.name, 0);
  }
  if (scaleUpWithUnready) for (const p of unready) adjusted.set(p.name, 0);
  const second = ratio(byName, adjusted, target);
  const flipped = (first.usageRatio < 1 && second.usageRatio > 1) || (first.usageRatio > 1 && second.usageRatio < 1);
  if (Math.abs(1 - second.usageRatio) <= tolerance || flipped) return report(currentReplicas);
  const replicas = Math.ceil(second.usageRatio * adjusted.size);
  const wrongWay =
    (second.usageRatio < 1 && replicas > currentReplicas) || (second.usageRatio > 1 && replicas < currentReplicas);
  return report(wrongWay ? currentReplicas : replicas);
}
