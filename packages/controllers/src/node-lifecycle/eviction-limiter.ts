/**
 * A token bucket of burst one per zone, on the controller's clock: at most
 * `rate` nodes per second get the NoExecute taint that evicts their pods
 * (Kubernetes' `RateLimitedTimedQueue` with a `flowcontrol` limiter).
 *
 * Guarantees: two admissions in one zone are at least `1000 / rate` ms
 * apart; a rate of 0 admits nothing until the rate changes.
 */
export class EvictionLimiter {
  private readonly nextAt = new Map<string, number>();

  /**
   * Takes the zone's token if it is available at `now` and returns 0;
   * otherwise returns how many ms until it will be (Infinity for rate 0).
   */
  tryAcquire(zone: string, rate: number, now: number): number {
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    const at = this.nextAt.get(zone) ?? now;
    if (at > now) return at - now;
    this.nextAt.set(zone, now + 1000 / rate);
    return 0;
  }
}
