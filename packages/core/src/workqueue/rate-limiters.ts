import { type Clock, RealClock } from '../clock/clock.js';

/**
 * Decides how long an item waits before it is retried (client-go's
 * `workqueue.TypedRateLimiter`). Implement it to plug your own policy into
 * `WorkQueue.addRateLimited`.
 */
export interface RateLimiter<T = string> {
  /** How long (ms) `item` should wait now. Calling it counts as one more failure. */
  when(item: T): number;
  /** Stop tracking `item`: its next failure starts from the base delay again. */
  forget(item: T): void;
  /** How many times `item` has been rate limited since it was last forgotten. */
  numRequeues(item: T): number;
}

/** Options of the per-item exponential limiter. */
export interface ExponentialFailureOptions {
  /** First delay (ms). Default 5 ms, as client-go. */
  baseDelayMs?: number;
  /** Upper bound (ms). Default 1000 s, as client-go. */
  maxDelayMs?: number;
}

/**
 * Per-item exponential backoff: `base * 2^failures`, capped at `max`
 * (client-go's `ItemExponentialFailureRateLimiter`, 5 ms doubling to 1000 s).
 */
export function exponentialFailureRateLimiter<T = string>(options: ExponentialFailureOptions = {}): RateLimiter<T> {
  const base = options.baseDelayMs ?? 5;
  const max = options.maxDelayMs ?? 1_000_000;
  const failures = new Map<T, number>();
  return {
    when(item) {
      const n = failures.get(item) ?? 0;
      failures.set(item, n + 1);
      // 2^n overflows to Infinity long after it passed max, so min() keeps it finite.
      return Math.min(base * 2 ** n, max);
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}

/** Options of the overall token bucket. */
export interface BucketOptions {
  /** Tokens added per second. Default 10, as client-go's default controller limiter. */
  qps?: number;
  /** Bucket size: how many retries may go at once. Default 100. */
  burst?: number;
  clock?: Clock;
}

/**
 * An overall token bucket shared by every item (client-go's
 * `BucketRateLimiter`): `burst` retries go at once, then `qps` per second.
 * Each call reserves a token, so delays grow with the backlog as in
 * `golang.org/x/time/rate`'s `Reserve().Delay()`.
 *
 * Caveat: it keeps no per-item state, so `numRequeues` is always 0.
 */
export function bucketRateLimiter<T = string>(options: BucketOptions = {}): RateLimiter<T> {
  const qps = options.qps ?? 10;
  const burst = options.burst ?? 100;
  const clock = options.clock ?? new RealClock();
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
      last = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens / qps) * 1000;
    },
    forget() {},
    numRequeues() {
      return 0;
    },
  };
}

/**
 * The strictest of several limiters: the longest delay, the highest requeue
 * count; `forget` reaches all of them (client-go's `MaxOfRateLimiter`).
 */
export function maxOfRateLimiter<T = string>(...limiters: RateLimiter<T>[]): RateLimiter<T> {
  return {
    when(item) {
      // Every limiter must see the failure, so no short-circuit.
      return limiters.reduce((longest, l) => Math.max(longest, l.when(item)), 0);
    },
    forget(item) {
      for (const l of limiters) l.forget(item);
    },
    numRequeues(item) {
      return limiters.reduce((most, l) => Math.max(most, l.numRequeues(item)), 0);
    },
  };
}

/**
 * client-go's `DefaultControllerRateLimiter`: per-item 5 ms doubling to
 * 1000 s, and overall 10 qps with a burst of 100, whichever is slower.
 */
export function defaultControllerRateLimiter<T = string>(options: { clock?: Clock } = {}): RateLimiter<T> {
  return maxOfRateLimiter<T>(exponentialFailureRateLimiter<T>(), bucketRateLimiter<T>({ clock: options.clock }));
}
