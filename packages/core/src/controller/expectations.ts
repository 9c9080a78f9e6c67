import { type Clock, RealClock } from '../clock/clock.js';

/** What one controller key still waits to see. */
interface Expectation {
  adds: number;
  dels: number;
  setAt: number;
}

/**
 * Counts the creations and deletions a controller has made and not yet seen
 * in its informer cache (Kubernetes' `ControllerExpectations`), so that a
 * reconcile running on a cache that lags its own writes does not act twice
 * (create the same replicas again).
 *
 * Flow: before creating n children, `expectCreations(key, n)`; the child
 * informer's add handler calls `creationObserved(key)` (and a failed create
 * should call it too); reconcile only acts when `satisfied(key)`.
 *
 * Guarantees: an expectation older than the TTL (5 minutes, as Kubernetes)
 * counts as satisfied, so a lost event cannot block a key forever. Time
 * comes from the Clock.
 */
export class Expectations {
  private readonly byKey = new Map<string, Expectation>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: { clock?: Clock; ttlMs?: number } = {}) {
    this.clock = options.clock ?? new RealClock();
    this.ttlMs = options.ttlMs ?? 5 * 60 * 1000;
  }

  /** Expects `n` creations for `key` (replacing any earlier expectation). */
  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { adds: n, dels: 0, setAt: this.clock.now() });
  }

  /** Expects `n` deletions for `key` (replacing any earlier expectation). */
  expectDeletions(key: string, n: number): void {
    this.byKey.set(key, { adds: 0, dels: n, setAt: this.clock.now() });
  }

  /** One expected creation was seen (or will never happen because it failed). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.adds--;
  }

  /** One expected deletion was seen (or will never happen because it failed). */
  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.dels--;
  }

  /** True when nothing is outstanding for `key`, nothing was ever expected, or the expectation expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.adds <= 0 && e.dels <= 0) || this.clock.now() - e.setAt > this.ttlMs;
  }

  /** Forgets `key` (its owner was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }
}
