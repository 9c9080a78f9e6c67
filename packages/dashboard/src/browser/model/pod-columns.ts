import type { Pod } from '@flotilla/core';

/** `1/2`: ready containers of all containers, as `kubectl get pods` prints READY. */
export function readiness(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  return `${statuses.filter((s) => s.ready).length}/${pod.spec?.containers.length ?? 0}`;
}

/** Restarts summed over the containers. */
export function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);
}

/** What `kubectl get pods` shows as STATUS: `Terminating` while deleted, else the phase. */
export function podStatus(pod: Pod): string {
  return pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending');
}
