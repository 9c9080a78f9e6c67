import type { Clock } from '@flotilla/core';

/** Expectations older than this are considered satisfied, so a lost watch event can never wedge a controller. */
export const expectationsTimeoutMs = 5 * 60_000;

interface Pending {
  adds: number;
  deletes: Set<string>;
  setAt: number;
}

/**
 * Remembers, per controller key, the pod creations and deletions a sync
 * issued that its informer cache has not shown yet (client-go's
 * `ControllerExpectations`, with deletions tracked by pod name as in
 * `UIDTrackingControllerExpectations`). A sync that finds the key
 * unsatisfied must not create or delete: the cache is behind its own writes
 * and would make it act twice.
 *
 * Guarantees: a key becomes satisfied once every expected creation and
 * deletion was observed, or 5 minutes (Clock) after the expectations were
 * set. Observations for a key with no expectations are ignored.
 *
 * Caveats: observations come from informer events, so the owner of the
 * expectations must forward pod events (`creationObserved`, `deletionObserved`).
 */
export class PodExpectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller may act on `key`. */
  satisfied(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if ((p.adds <= 0 && p.deletes.size === 0) || this.clock.now() - p.setAt > expectationsTimeoutMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  /** Records `count` creations about to be issued for `key`. */
  expectCreations(key: string, count: number): void {
    this.pending.set(key, { adds: count, deletes: new Set(), setAt: this.clock.now() });
  }

  /** Records the pods about to be deleted for `key`, by name. */
  expectDeletions(key: string, podNames: readonly string[]): void {
    this.pending.set(key, { adds: 0, deletes: new Set(podNames), setAt: this.clock.now() });
  }

  /** A pod of `key` appeared in the cache, or a creation failed and will never appear. */
  creationObserved(key: string): void {
    const p = this.pending.get(key);
    if (p) p.adds--;
  }

  /** Creations that were never issued (a failed slow-start batch stopped them). */
  lowerCreations(key: string, count: number): void {
    const p = this.pending.get(key);
    if (p) p.adds -= count;
  }

  /** A pod of `key` left the cache or got a deletion timestamp, or its deletion failed. */
  deletionObserved(key: string, podName: string): void {
    this.pending.get(key)?.deletes.delete(podName);
  }

  /** Forgets `key` (its owner is gone). */
  forget(key: string): void {
    this.pending.delete(key);
  }
}
