import type { Job, Pod } from '@flotilla/core';
import { isPodActive } from '../pod-control/pod-state.js';
import { completionIndexKey, parseIndexRanges } from './completion-index.js';

/** A Job's pods sorted by what the controller does with them. */
export interface JobPods {
  active: Readonly<Pod>[];
  succeeded: Readonly<Pod>[];
  failed: Readonly<Pod>[];
}

/** Splits pods into active (not finished, not terminating), Succeeded and Failed. */
export function classifyJobPods(pods: readonly Readonly<Pod>[]): JobPods {
  return {
    active: pods.filter(isPodActive),
    succeeded: pods.filter((p) => p.status?.phase === 'Succeeded'),
    failed: pods.filter((p) => p.status?.phase === 'Failed'),
  };
}

/** An Indexed Job pod's index, from its annotation; undefined when absent or out of range. */
export function podIndex(pod: Readonly<Pod>, completions: number): number | undefined {
  const raw = pod.metadata.annotations?.[completionIndexKey] ?? pod.metadata.labels?.[completionIndexKey];
  const index = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(index) && index >= 0 && index < completions ? index : undefined;
}

/** Indexed mode: indexes completed so far, from status (pods may have been collected) and succeeded pods. */
export function completedIndexes(job: Readonly<Job>, succeeded: readonly Readonly<Pod>[]): Set<number> {
  const completions = job.spec.completions ?? 1;
  const done = new Set([...parseIndexRanges(job.status?.completedIndexes)].filter((i) => i < completions));
  for (const p of succeeded) {
    const i = podIndex(p, completions);
    if (i !== undefined) done.add(i);
  }
  return done;
}

/** When a finished pod ended (ms): its last container's finish time, else its Ready condition's last change. */
export function finishedAt(pod: Readonly<Pod>): number {
  const times = (pod.status?.containerStatuses ?? [])
    .map((s) => Date.parse(s.state?.terminated?.finishedAt ?? ''))
    .filter((t) => !Number.isNaN(t));
  if (times.length > 0) return Math.max(...times);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return Date.parse(ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '') || 0;
}

/**
 * Failures that count for the next pod's backoff: those after the latest
 * success (a success resets the backoff, as Kubernetes' backoff record), with
 * the time of the last one.
 */
export function recentFailures(pods: JobPods): { count: number; last?: number } {
  const lastSuccess = Math.max(0, ...pods.succeeded.map(finishedAt));
  const after = pods.failed.map(finishedAt).filter((t) => t > lastSuccess);
  return after.length === 0 ? { count: 0 } : { count: after.length, last: Math.max(...after) };
}

/** Restarts of all the pod's containers (init containers too): each is a failure under `restartPolicy: OnFailure`. */
export function containerRestarts(pod: Readonly<Pod>): number {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.reduce((n, s) => n + s.restartCount, 0);
}
