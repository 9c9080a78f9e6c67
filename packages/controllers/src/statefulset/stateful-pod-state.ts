import type { Pod } from '@flotilla/core';
import { isPodAvailable, isPodReady, isPodTerminating } from '../pod-control/pod-state.js';

/** Phase Running and the Ready condition True (Kubernetes' `isRunningAndReady`). */
export function isRunningAndReady(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Running, ready, and ready for `minReadySeconds` (Kubernetes' `isRunningAndAvailable`). */
export function isRunningAndAvailable(pod: Readonly<Pod>, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

/** Not created yet, terminating, or not available (Kubernetes' `isUnavailable`): it counts against maxUnavailable. */
export function isUnavailable(pod: Readonly<Pod> | undefined, minReadySeconds: number, now: number): boolean {
  return !pod || isPodTerminating(pod) || !isRunningAndAvailable(pod, minReadySeconds, now);
}

/** Failed or Succeeded: a stateful pod that stopped is deleted and made again. */
export function hasStopped(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}
