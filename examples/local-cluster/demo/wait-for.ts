import { type Clock, TimeoutError } from '@flotilla/core';

/**
 * Checks `condition` every `pollMs` until it holds, and resolves with its
 * truthy value; no fixed sleeps, only a bound.
 *
 * @throws TimeoutError naming `what` after `timeoutMs` (with the last failure of `condition`, if it threw).
 */
export async function waitFor<T>(
  clock: Clock,
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  pollMs = 100,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (clock.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await clock.sleep(pollMs);
  }
}
