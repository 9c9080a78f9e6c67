/** The kubelet's restart backoff constants. */
export const CRASH_LOOP_BACKOFF = {
  initialMs: 10_000,
  maxMs: 300_000,
  /** Twice `maxMs`: an exit this long after the last restart starts the backoff over (flowcontrol hasExpired). */
  resetAfterMs: 600_000,
} as const;

interface Entry {
  /** The exited container instance (or failed attempt) this answer was computed for. */
  instanceId: string;
  delayMs: number;
  restartAt: number;
  /** The backoff the next exit waits (the kubelet's entry after `Backoff.Next`). */
  nextDelayMs?: number;
}

/**
 * Per-key backoff, in two flavours. `afterExit` is the kubelet's container
 * restart (kuberuntime doBackOff over client-go's flowcontrol.Backoff): the
 * first exit restarts at once, the next waits 10 s, then 20 s, 40 s, ... up
 * to 5 min, and an exit more than 10 min (twice the maximum) after the last
 * restart starts over. `restartAt` is the image-pull flavour: 10 s after the
 * first failure, doubling up to 5 min, back to 10 s once an attempt lasted
 * 10 min.
 *
 * Guarantees: asking again about the same instance gives the same answer
 * (syncs are repeated, the delay must not grow with them).
 */
export class CrashLoopBackoff {
  private readonly entries = new Map<string, Entry>();

  /**
   * When the container `key` may start again after its instance
   * `instanceId` exited at `finishedAt` (kubelet: `IsInBackOffSince` on the
   * exit time, then `Next` when it restarts).
   */
  afterExit(key: string, instanceId: string, finishedAt: number): number {
    const prev = this.entries.get(key);
    if (prev?.instanceId === instanceId) return prev.restartAt;
    const lastRestart = prev?.restartAt;
    const expired = lastRestart === undefined || finishedAt - lastRestart > CRASH_LOOP_BACKOFF.resetAfterMs;
    const delayMs = expired ? 0 : (prev?.nextDelayMs ?? CRASH_LOOP_BACKOFF.initialMs);
    const nextDelayMs = expired ? CRASH_LOOP_BACKOFF.initialMs : Math.min(delayMs * 2, CRASH_LOOP_BACKOFF.maxMs);
    const entry = { instanceId, delayMs, restartAt: finishedAt + delayMs, nextDelayMs };
    this.entries.set(key, entry);
    return entry.restartAt;
  }

  /** When `key` may be tried again after attempt `instanceId` ran from `startedAt` to `finishedAt` (image pulls). */
  restartAt(key: string, instanceId: string, startedAt: number, finishedAt: number): number {
    const prev = this.entries.get(key);
    if (prev?.instanceId === instanceId) return prev.restartAt;
    const ranLong = finishedAt - startedAt >= CRASH_LOOP_BACKOFF.resetAfterMs;
    const delayMs =
      prev && !ranLong ? Math.min(prev.delayMs * 2, CRASH_LOOP_BACKOFF.maxMs) : CRASH_LOOP_BACKOFF.initialMs;
    const entry = { instanceId, delayMs, restartAt: finishedAt + delayMs };
    this.entries.set(key, entry);
    return entry.restartAt;
  }

  /** Forgets every key with this prefix (a pod's containers, when the pod goes). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
