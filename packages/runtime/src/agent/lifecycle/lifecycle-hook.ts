import type { Clock, ProbeHandler } from '@flotilla/core';
import type { ProbeOutcome } from '../../cri/network-prober.js';
import { type ProbeTarget, runProbeHandler } from '../probes/probe-handler.js';

/** A postStart or preStop handler: a probe-style action, or (preStop only) a sleep. */
export type LifecycleHandler = ProbeHandler & { sleep?: { seconds: number } };

/**
 * Runs a postStart or preStop hook to completion, bounded by
 * `timeoutSeconds` (the agent passes what is left of the pod's grace
 * period, so a hanging hook cannot hold a pod forever). A `sleep` handler
 * waits on the clock; the others run like a probe attempt.
 */
export async function runLifecycleHook(
  handler: LifecycleHandler,
  target: ProbeTarget,
  clock: Clock,
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  if (handler.sleep) {
    await clock.sleep(Math.min(handler.sleep.seconds, timeoutSeconds) * 1000);
    return { success: true };
  }
  return runProbeHandler(handler, target, timeoutSeconds);
}

/** How the kubelet words a failed hook in its FailedPostStartHook / FailedPreStopHook events. */
export function hookFailureMessage(handler: LifecycleHandler, container: string, pod: string, message = ''): string {
  const kind = handler.exec ? `Exec lifecycle hook (${JSON.stringify(handler.exec.command)})` : 'Lifecycle hook';
  return `${kind} for Container "${container}" in Pod "${pod}" failed - ${message}`;
}
