/** What a slow-start run achieved. */
export interface SlowStartResult {
  successes: number;
  /** Calls never made because an earlier batch failed. */
  skipped: number;
  /** The first error of the failed batch, if one failed. */
  error?: unknown;
}

/**
 * Runs `fn` `count` times in growing batches (`initialBatch`, then double,
 * ...), the calls of a batch in parallel, and stops after the first batch in
 * which any call failed. This is Kubernetes' `slowStartBatch`: when every
 * create fails (a quota, an admission hook rejecting the template) the
 * controller learns it from one call instead of flooding the API with
 * hundreds.
 *
 * `fn` receives the call's index (0-based, in start order).
 */
export async function slowStartBatch(
  count: number,
  initialBatch: number,
  fn: (index: number) => Promise<void>,
): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  let started = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, i) => fn(started + i)));
    started += batch;
    remaining -= batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, skipped: remaining, error: failed.reason };
  }
  return { successes, skipped: 0 };
}
