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
 * It also tells a slice event caused by this controller's own write from
 * anyone else's (Kubernetes' `ShouldSync`), so a sync does not wake its
 * service a second time: without that, every write queues one more
 * reconcile of its service, and building 10,000 services leaves 10,000
 * no-op reconciles queued ahead of the next real change.
 *
 * Guarantees: records older than the TTL (30 s) count as seen, as
 * Kubernetes' expectations expire, so a lost watch event delays a service
 * by the TTL at most instead of blocking it forever. A slice event that
 * arrives while the service's writes are in flight (a store that delivers
 * watch events inside the write) is held back and judged by `settle` once
 * the writes have returned, so a foreign change is never taken for ours.
 *
 * Caveats: a slice is recognised by name and resourceVersion, so the
 * revisions must be numeric and grow, as the Store guarantees.
 */
export class SliceTracker {
  /** Service key -> slice name -> the resourceVersion written, or `deleted`. */
  private readonly written = new Map<string, Map<string, number | 'deleted'>>();
  /** Service key -> when its oldest unconfirmed write was recorded. */
  private readonly since = new Map<string, number>();
  /** Service key -> slice name -> the last resourceVersion this controller wrote, or `deleted`. */
  private readonly own = new Map<string, Map<string, number | 'deleted'>>();
  /** Service key -> slice events (name, state) that arrived while its writes were in flight. */
  private readonly held = new Map<string, [string, number | 'deleted'][]>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SLICE_TRACKER_TTL_MS,
  ) {}

  /** Records a create or update. */
  wrote(serviceKey: string, slice: Readonly<EndpointSlice>): void {
    const rv = Number(slice.metadata.resourceVersion);
    this.entries(serviceKey).set(slice.metadata.name, rv);
    this.ownOf(serviceKey).set(slice.metadata.name, rv);
  }

  /** Records a delete. */
  deleted(serviceKey: string, name: string): void {
    this.entries(serviceKey).set(name, 'deleted');
    this.ownOf(serviceKey).set(name, 'deleted');
  }

  /** Starts the writes of one sync of `serviceKey`: its slice events are held back until `settle`. */
  writing(serviceKey: string): void {
    if (!this.held.has(serviceKey)) this.held.set(serviceKey, []);
  }

  /**
   * Ends the writes begun by `writing`. True when every slice event held
   * back meanwhile was one of this controller's own writes; false when
   * someone else changed a slice of the service, which must then be synced
   * again.
   */
  settle(serviceKey: string): boolean {
    const held = this.held.get(serviceKey) ?? [];
    this.held.delete(serviceKey);
    return held.every(([name, state]) => this.isOwn(serviceKey, name, state));
  }

  /**
   * Whether a slice event of `serviceKey` should sync the service: false for
   * an event showing this controller's own write (or an older state), and
   * while the service's writes are in flight (`settle` judges those).
   * `gone` says the event removed the slice from the cache.
   */
  shouldSync(serviceKey: string, slice: Readonly<EndpointSlice>, gone: boolean): boolean {
    const state = gone ? 'deleted' : Number(slice.metadata.resourceVersion);
    const held = this.held.get(serviceKey);
    if (held) {
      held.push([slice.metadata.name, state]);
      return false;
    }
    return !this.isOwn(serviceKey, slice.metadata.name, state);
  }

  /**
   * True when `cached` (the service's slices in the cache) reflects every
   * recorded write; the confirmed records are then dropped.
   */
  caughtUp(serviceKey: string, cached: readonly Readonly<EndpointSlice>[]): boolean {
    const entries = this.written.get(serviceKey);
    if (!entries) return true;
    if (this.clock.now() - (this.since.get(serviceKey) ?? 0) > this.ttlMs) {
      this.confirmed(serviceKey);
      return true;
    }
    const byName = new Map(cached.map((s) => [s.metadata.name, Number(s.metadata.resourceVersion)]));
    for (const [name, rv] of entries) {
      const seen = byName.get(name);
      if (rv === 'deleted' ? seen !== undefined : seen === undefined || seen < rv) return false;
    }
    this.confirmed(serviceKey);
    return true;
  }

  /**
   * Drops the service's recorded writes once the cache shows them. Its
   * deletes' events have then been seen too, so their records of our own
   * writes go as well; the last revision written per live slice stays.
   */
  private confirmed(serviceKey: string): void {
    this.written.delete(serviceKey);
    this.since.delete(serviceKey);
    const own = this.own.get(serviceKey);
    if (own) for (const [name, state] of own) if (state === 'deleted') own.delete(name);
  }

  /** True when `state` of the slice is what this controller last wrote, or older. */
  private isOwn(serviceKey: string, name: string, state: number | 'deleted'): boolean {
    const own = this.own.get(serviceKey)?.get(name);
    return state === 'deleted' ? own === 'deleted' : typeof own === 'number' && state <= own;
  }

  private ownOf(serviceKey: string): Map<string, number | 'deleted'> {
    let own = this.own.get(serviceKey);
    if (!own) {
      own = new Map();
      this.own.set(serviceKey, own);
    }
    return own;
  }

  /** Forgets a deleted service. */
  forget(serviceKey: string): void {
    this.written.delete(serviceKey);
    this.since.delete(serviceKey);
    this.own.delete(serviceKey);
    this.held.delete(serviceKey);
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
