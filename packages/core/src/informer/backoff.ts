/** A retry policy: how long to wait before the next attempt. Swappable, as kube-rs keeps backoff outside its watcher. */
export interface Backoff {
  /** The wait (ms) before the next attempt; each call counts one more failure. */
  next(): number;
  /** Called after a success: the next failure starts from the initial delay. */
  reset(): void;
}

/** Options of `jitteredBackoff`. */
export interface JitteredBackoffOptions {
  /** First delay (ms). Default 800 ms, client-go's reflector. */
  initialMs?: number;
  /** Cap (ms). Default 30 s, client-go's reflector. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
  /** Each delay `d` becomes `d + random() * jitter * d`, so many clients do not retry in lockstep. Default 1. */
  jitter?: number;
  /** Source of randomness in [0, 1); inject a fixed one for deterministic tests. */
  random?: () => number;
}

/** Exponential backoff with jitter (client-go's `wait.Backoff` with `Jitter`). */
export function jitteredBackoff(options: JitteredBackoffOptions = {}): Backoff {
  const initial = options.initialMs ?? 800;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 1;
  const random = options.random ?? Math.random;
  let current = initial;
  return {
    next() {
      const base = current;
      current = Math.min(max, current * factor);
      return base + random() * jitter * base;
    },
    reset() {
      current = initial;
    },
  };
}
