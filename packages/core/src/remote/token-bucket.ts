import type { Clock } from '../clock/clock.js';
import { BadRequestError } from '../errors/api-errors.js';

/** client-go's defaults (`rest.DefaultQPS`, `rest.DefaultBurst`). */
export const DEFAULT_QPS = 5;
export const DEFAULT_BURST = 10;

/**
 * client-go's token bucket (`flowcontrol.NewTokenBucketRateLimiter`): up to
 * `burst` requests at once, then `qps` per second. Each `take` reserves its
 * token at once and waits out its turn on the clock, so waiters go in the
 * order they asked. `qps: Infinity` turns limiting off.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps: number = DEFAULT_QPS,
    private readonly burst: number = DEFAULT_BURST,
  ) {
    if (!(qps > 0))
      throw new BadRequestError(`qps: Invalid value: ${qps}: must be greater than 0 (Infinity: no limit)`);
    if (!(burst >= 1) || !Number.isInteger(burst)) {
      throw new BadRequestError(`burst: Invalid value: ${burst}: must be a whole number, at least 1`);
    }
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Waits (ms on the clock) until this caller may send; the signal cancels the wait. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.qps === Number.POSITIVE_INFINITY) return;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens * 1000) / this.qps);
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (err) {
      this.tokens += 1; // a cancelled waiter gives its reservation back
      throw err;
    }
  }
}
