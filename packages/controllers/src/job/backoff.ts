/** First delay before a failed Job's pod is replaced. */
export const podFailureBackoffBaseMs = 10_000;
/** Ceiling of that delay (Kubernetes' `MaxJobPodFailureBackOff`). */
export const podFailureBackoffMaxMs = 10 * 60_000;

/** The delay after the `failures`-th consecutive pod failure: 10 s, 20 s, 40 s, ... capped at 10 min. */
export function podFailureBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(podFailureBackoffMaxMs, podFailureBackoffBaseMs * 2 ** exp);
}

/**
 * How long until the Job may create a replacement pod, given the failures
 * since the last success and when the latest one happened; 0 means now.
 */
export function msUntilNextPod(failuresSinceSuccess: number, lastFailureMs: number | undefined, now: number): number {
  if (failuresSinceSuccess <= 0 || lastFailureMs === undefined) return 0;
  return Math.max(0, lastFailureMs + podFailureBackoffMs(failuresSinceSuccess) - now);
}
