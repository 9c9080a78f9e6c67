import type { Clock } from '@flotilla/core';

/**
 * Batches syncs per Service (Kubernetes' `--endpoint-updates-batch-period`
 * and its EndpointSlice twin): a service synced less than `periodMs` ago
 * waits for the rest of the period, so a burst of pod changes becomes one
 * write. With a period of 0 (the default) the work queue's de-duplication
 * is the only batching: changes made while a key waits are synced together.
 */
export class SyncBatcher {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
  ) {}

  /** How long `key` must still wait before syncing (0: sync now, and the sync is recorded). */
  waitFor(key: string): number {
    if (this.periodMs <= 0) return 0;
    const now = this.clock.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.periodMs) return this.periodMs - (now - last);
    this.last.set(key, now);
    return 0;
  }

  /** Forgets a deleted service. */
  forget(key: string): void {
    this.last.delete(key);
  }
}
