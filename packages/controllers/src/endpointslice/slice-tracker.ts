import type { Clock } from '@flotilla/core';
import type { EndpointSlice } from './discovery-types.js';

/** After this long a recorded write counts as seen, so a lost watch event cannot block a service forever. */
export const SLICE_TRACKER_TTL_MS = 30_000;

/**
 * Remembers the EndpointSlice writes this controller made per service until
 * its informer cache shows them (Kubernetes' `EndpointSliceTracker`), so a
 * sync never plans from a cache that lags its own writes — which would
 * create a second slice for endpoints it just placed.
 *
 * Guarantees: records older than the TTL (30 s) count as seen, as
 * Kubernetes' expectations expire, so a lost watch event delays a service
 * by the TTL at most instead of blocking it forever.
 */
export class SliceTracker {
  /** Service key -> slice name -> the resourceVersion written, or `deleted`. */
  private readonly written = new Map<string, Map<string, number | 'deleted'>>();
  /** Service key -> when its oldest unconfirmed write was recorded. */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SLICE_TRACKER_TTL_MS,
  ) {}

  /** Records a create or update. */
  wrote(serviceKey: string, slice: Readonly<EndpointSlice>): void {
    this.entries(serviceKey).set(slice.metadata.name, Number(slice.metadata.resourceVersion));
  }

  /** Records a delete. */
  deleted(serviceKey: string, name: string): void {
    this.entries(serviceKey).set(name, 'deleted');
  }

  /**
   * True when `cached` (the service's slices in the cache) reflects every
   * recorded write; the confirmed records are then dropped.
   */
  caughtUp(serviceKey: string, cached: readonly Readonly<EndpointSlice>[]): boolean {
    const entries = this.written.get(serviceKey);
    if (!entries) return true;
    if (this.clock.now() - (this.since.get(serviceKey) ?? 0) > this.ttlMs) {
      this.forget(serviceKey);
      return true;
    }
    const byName = new Map(cached.map((s) => [s.metadata.name, Number(s.metadata.resourceVersion)]));
    for (const [name, rv] of entries) {
      const seen = byName.get(name);
      if (rv === 'deleted' ? seen !== undefined : seen === undefined || seen < rv) return false;
    }
    this.forget(serviceKey);
    return true;
  }

  /** Forgets a deleted service. */
  forget(serviceKey: string): void {
    this.written.delete(serviceKey);
    this.since.delete(serviceKey);
  }

  private entries(serviceKey: string): Map<string, number | 'deleted'> {
    let entries = this.written.get(serviceKey);
    if (!entries) {
      entries = new Map();
      this.written.set(serviceKey, entries);
      this.since.set(serviceKey, this.clock.now());
    }
    return entries;
  }
}
