/** The kubelet's restart backoff constants. */
export const CRASH_LOOP_BACKOFF = {
  initialMs: 10_000,
  maxMs: 300_000,
  /** A container that ran this long before exiting starts over at `initialMs`. */
  resetAfterMs: 600_000,
} as const;

interface Entry {
  /** The exited container instance this delay was computed for. */
  instanceId: string;
  delayMs: number;
  restartAt: number;
}

/**
 * Per-container restart delays: 10 s after the first exit, doubling with each
 * further exit up to 5 min, back to 10 s once a run lasted 10 min.
 *
 * Guarantees: asking again about the same exited instance gives the same
 * answer (syncs are repeated, the delay must not grow with them).
 */
export class CrashLoopBackoff {
  private readonly entries = new Map<string, Entry>();

  /** When the container `key` may restart after its instance `instanceId` ran from `startedAt` to `finishedAt`. */
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
