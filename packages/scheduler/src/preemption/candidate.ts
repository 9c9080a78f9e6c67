import type { PodInfo } from '../cache/pod-info.js';

/** A node where evicting `victims` lets the preemptor fit. */
export interface Candidate {
  nodeName: string;
  victims: PodInfo[];
  /** How many victims' eviction violates a PodDisruptionBudget. Default 0. */
  numPDBViolations?: number;
}

/** When a pod started (status.startTime, else creation), in ms; pods without either count as started now. */
export function startTimeOf(p: PodInfo, now: number): number {
  const t = p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : now;
}

/** More important first: higher priority, then started earlier. */
export function moreImportant(a: PodInfo, b: PodInfo, now: number): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTimeOf(a, now) - startTimeOf(b, now);
}

/** Offset so that sums of negative priorities still order correctly, as Kubernetes adds MaxInt32 + 1. */
const PRIORITY_OFFSET = 2 ** 31;

/**
 * Picks the candidate the way kube-scheduler does
 * (`pickOneNodeForPreemption`), each criterion breaking the previous one's
 * ties: fewest PodDisruptionBudget violations; lowest highest-victim
 * priority; smallest sum of victim priorities; fewest victims; latest start
 * among the highest-priority victims; then the first in search order.
 */
export function pickCandidate(candidates: readonly Candidate[], now: number): Candidate | undefined {
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -(c.numPDBViolations ?? 0),
    (c) => -Math.max(...c.victims.map((v) => v.priority)),
    (c) => -c.victims.reduce((s, v) => s + v.priority + PRIORITY_OFFSET, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = Math.max(...c.victims.map((v) => v.priority));
      return Math.min(...c.victims.filter((v) => v.priority === top).map((v) => startTimeOf(v, now)));
    },
  ];
  let remaining = [...candidates];
  for (const score of criteria) {
    if (remaining.length <= 1) break;
    const scores = remaining.map(score);
    const best = Math.max(...scores);
    remaining = remaining.filter((_, i) => scores[i] === best);
  }
  return remaining[0];
}
