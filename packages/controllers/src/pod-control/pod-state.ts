import type { Pod } from '@flotilla/core';

/** True when the pod's `Ready` condition is `True` (the node agent's readiness verdict). */
export function isPodReady(pod: Readonly<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became ready (ms since epoch), or undefined when it is not ready or the time is unknown. */
export function podReadySince(pod: Readonly<Pod>): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : undefined;
}

/**
 * Ready for at least `minReadySeconds` (Kubernetes' `IsPodAvailable`): the
 * ready time plus the window must lie strictly before `now`, so a pod that
 * became ready exactly `minReadySeconds` ago is not yet available.
 */
export function isPodAvailable(pod: Readonly<Pod>, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * How long until a ready pod becomes available, in ms; undefined when it is
 * not ready or already available. Controllers requeue after this so status
 * catches up without an event.
 */
export function msUntilAvailable(pod: Readonly<Pod>, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0 || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const since = podReadySince(pod) ?? now;
  return Math.max(1, since + minReadySeconds * 1000 - now + 1);
}

/** Deletion was requested (the node agent is stopping it). */
export function isPodTerminating(pod: Readonly<Pod>): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/** Finished: the pod will never run again (Kubernetes counts these as neither active nor replicas). */
export function isPodFinished(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Counts toward a workload's replicas: not finished and not being deleted (Kubernetes' `FilterActivePods`). */
export function isPodActive(pod: Readonly<Pod>): boolean {
  return !isPodFinished(pod) && !isPodTerminating(pod);
}

/** The highest restart count among the pod's containers. */
export function maxRestarts(pod: Readonly<Pod>): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount));
}
