import { type Clock, type Logger, resolveClock, silentLogger, type TimerHandle } from '@flotilla/core';
import { buildProxyState, type ProxyState } from '../state/proxy-state.js';
import { type NodeInput, type ServiceInformers, ServiceSource } from './service-informers.js';
import { type ProxyEventSink, SkippedObjectReporter } from './skipped-reporter.js';

/** Options for `followProxyState`. */
export interface FollowProxyStateOptions {
  readonly informers: ServiceInformers;
  readonly node: NodeInput;
  /** Changes within this window are coalesced into one state; default 0 (next timer turn). */
  readonly delayMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Warning Events about Services and EndpointSlices that had to be left out; none when absent. */
  readonly events?: ProxyEventSink;
}

/** A running subscription; `stop` ends it. */
export interface Following {
  /** Unsubscribes and cancels a pending update; a running callback finishes. */
  stop(): void;
}

/**
 * The small adapter between informers and consumers of a `ProxyState` (the
 * userspace proxy, cluster DNS): after both caches sync, and after every
 * burst of changes, builds the state and hands it to `onState`.
 *
 * Guarantees: `onState` never runs concurrently with itself; changes that
 * arrive while it runs lead to one more call with the newest state.
 * A Service or EndpointSlice that cannot be served is left out of the state
 * (`ProxyState.skipped`), logged with its key and fields and reported as a
 * Warning Event; every other one is served.
 *
 * Caveats: bad node facts make no state at all: that is logged, and the
 * next change retries.
 */
export function followProxyState(
  options: FollowProxyStateOptions,
  onState: (state: ProxyState) => void | Promise<void>,
): Following {
  const source = new ServiceSource(options.informers);
  const clock = resolveClock(options.clock, options.informers);
  const log = options.logger ?? silentLogger();
  const skipped = new SkippedObjectReporter({ logger: log, events: options.events });
  let previous: ProxyState | undefined;
  let timer: TimerHandle | undefined;
  let running = false;
  let dirty = false;
  let stopped = false;

  const run = async () => {
    timer = undefined;
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    try {
      previous = buildProxyState(source.input(options.node), previous);
      skipped.report(previous.skipped);
      await onState(previous);
    } catch (err) {
      log.error({ err }, 'could not build or deliver the proxy state; waiting for the next change');
    } finally {
      running = false;
    }
    if (dirty && !stopped) {
      dirty = false;
      schedule();
    }
  };
  const schedule = () => {
    if (!timer && !stopped) timer = clock.setTimeout(() => void run(), options.delayMs ?? 0);
  };
  let unsubscribe: (() => void) | undefined;
  source.synced().then(
    () => {
      if (stopped) return;
      unsubscribe = source.onChange(schedule);
      schedule();
    },
    (err: unknown) => log.error({ err }, 'informers never synced'),
  );
  return {
    stop() {
      stopped = true;
      timer?.cancel();
      unsubscribe?.();
    },
  };
}
