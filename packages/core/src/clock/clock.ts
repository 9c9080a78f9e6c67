import { flatAscii } from '../json/flat-ascii.js';

/** A handle to cancel a timer made by a Clock. */
export interface TimerHandle {
  /** Stops the timer if it has not fired; harmless afterwards. */
  cancel(): void;
}

/**
 * Where every part of Flotilla gets the time. Backoff, leases, probes, HPA
 * windows and node grace periods all read this, so tests drive them with
 * `FakeClock` instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

let lastSecond = Number.NaN;
let lastTimestamp = '';

/**
 * Formats a clock reading as Kubernetes' RFC 3339 timestamp with seconds
 * precision. The last second's text is kept and handed out again, as one
 * flat string: objects written in the same second (a pod's conditions, its
 * Events) share it instead of each holding its own pieces.
 */
export function toTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastTimestamp = flatAscii(`${new Date(second * 1000).toISOString().slice(0, 19)}Z`);
    lastSecond = second;
  }
  return lastTimestamp;
}

/** Sleep on any clock: a timer that an AbortSignal can cancel. */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The one rule for a component's clock, everywhere in Flotilla: the `clock`
 * option when given; else the clock of what the component works against
 * (an `Api`, an `InformerFactory`), so a `FakeClock` given to the Api is
 * never silently paired with the wall clock elsewhere; else the wall clock.
 */
export function resolveClock(given: Clock | undefined, from?: { readonly clock?: Clock }): Clock {
  return given ?? from?.clock ?? new RealClock();
}

/** The wall clock. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}
