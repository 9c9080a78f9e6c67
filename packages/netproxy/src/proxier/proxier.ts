import {
  type Clock,
  type ComponentLifecycle,
  LifecycleGates,
  type Logger,
  resolveClock,
  silentLogger,
  type TimerHandle,
} from '@flotilla/core';
import type { Registry } from 'prom-client';
import type { Applier } from '../apply/applier.js';
import type { NatChainLister } from '../apply/iptables-applier.js';
import { type IptablesRules, iptablesRules } from '../iptables/iptables-rules.js';
import { type IpvsRules, type IpvsScheduler, ipvsRules } from '../ipvs/ipvs-rules.js';
import { type NftablesRules, nftablesRules } from '../nftables/nftables-rules.js';
import { type NodeInput, type ServiceInformers, ServiceSource } from '../source/service-informers.js';
import { type ProxyEventSink, SkippedObjectReporter } from '../source/skipped-reporter.js';
import type { ProxyInput, ProxyState } from '../state/proxy-state.js';
import { ProxierMetrics } from './proxier-metrics.js';

/** The data plane a Proxier programs, with the applier that loads its rules. */
export type ProxierMode =
  | {
      readonly mode: 'iptables';
      /** With `listNatChains` (as `IptablesApplier`), full syncs also delete chains an earlier process left. */
      readonly applier: Applier<IptablesRules> & Partial<NatChainLister>;
    }
  | { readonly mode: 'nftables'; readonly applier: Applier<NftablesRules>; readonly table?: string }
  | { readonly mode: 'ipvs'; readonly applier: Applier<IpvsRules>; readonly scheduler?: IpvsScheduler };

/** Options for `Proxier`. */
export type ProxierOptions = ProxierMode &
  NodeInput & {
    readonly informers: ServiceInformers;
    readonly clock?: Clock;
    /** Changes are coalesced: at most one sync per this interval; default 1000 ms (kube-proxy's minSyncPeriod). */
    readonly minSyncIntervalMs?: number;
    /** A full resync at least this often, even without changes; default 1 hour. */
    readonly maxSyncIntervalMs?: number;
    /** `isHealthy()` turns false when a change waits longer than this; default 2 x maxSyncIntervalMs, at most 120 s. */
    readonly healthTimeoutMs?: number;
    readonly metrics?: Registry;
    readonly logger?: Logger;
    /** Warning Events about Services and EndpointSlices left out of the rules (core's `EventRecorder` fits). */
    readonly events?: ProxyEventSink;
  };

/** What one sync did. */
export interface SyncReport {
  readonly full: boolean;
  readonly durationMs: number;
}

interface Backend {
  /** Generates (partially unless `full`) and applies; forgets its previous state on failure. */
  sync(input: ProxyInput, full: boolean): Promise<{ full: boolean }>;
}

function backend<
  R extends { readonly full: boolean; readonly state: { readonly proxy: ProxyState }; readonly text: string },
>(
  generate: (input: ProxyInput, previous: R['state'] | undefined) => R | Promise<R>,
  applier: Applier<R>,
  skipped: SkippedObjectReporter,
  applied?: (rules: R) => void,
): Backend {
  let previous: R['state'] | undefined;
  return {
    async sync(input, full) {
      const rules = await generate(input, full ? undefined : previous);
      skipped.report(rules.state.proxy.skipped);
      previous = undefined;
      await applier.apply(rules);
      previous = rules.state;
      applied?.(rules);
      return { full: rules.full };
    },
  };
}

/**
 * kube-proxy as a library: follows Services and EndpointSlices through
 * shared informers and keeps the node's rules in step, by partial syncs.
 *
 * Guarantees: one sync at a time; changes are coalesced so syncs start at
 * least `minSyncIntervalMs` apart (a burst of changes costs one sync); every
 * change is followed by a sync that reads the caches after it (level-
 * triggered: the sync reads the current caches, never the event); a Service
 * or EndpointSlice the rules cannot express is left out, logged with its
 * key, counted and reported as a Warning Event, and everything else is
 * programmed; a failed sync (tool error, bad node facts) makes the next one
 * full, and is retried
 * after `minSyncIntervalMs`; a full resync runs at least every
 * `maxSyncIntervalMs`.
 *
 * Caveats: call `start` after (or with) the informer factory's start; the
 * Proxier only reads its informers.
 */
export class Proxier implements ComponentLifecycle {
  private readonly source: ServiceSource;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics?: ProxierMetrics;
  private readonly backend: Backend;
  private readonly minInterval: number;
  private readonly maxInterval: number;
  private readonly healthTimeout: number;
  private timer: TimerHandle | undefined;
  private periodic: TimerHandle | undefined;
  private running: Promise<SyncReport | undefined> | undefined;
  private pending = false;
  private needFull = true;
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastFull = Number.NEGATIVE_INFINITY;
  private lastSuccess: number | undefined;
  private oldestWaiting: number | undefined;
  private unsubscribe: (() => void) | undefined;
  private halted = false;
  private stopping: Promise<void> | undefined;
  private readonly gates = new LifecycleGates();

  constructor(private readonly options: ProxierOptions) {
    this.source = new ServiceSource(options.informers);
    this.clock = resolveClock(options.clock, options.informers);
    this.log = (options.logger ?? silentLogger()).child({ component: 'proxier', mode: options.mode });
    this.metrics = options.metrics ? new ProxierMetrics(options.metrics) : undefined;
    this.minInterval = options.minSyncIntervalMs ?? 1000;
    this.maxInterval = options.maxSyncIntervalMs ?? 3_600_000;
    this.healthTimeout = options.healthTimeoutMs ?? Math.min(2 * this.maxInterval, 120_000);
    this.backend = this.makeBackend(
      new SkippedObjectReporter({ logger: this.log, events: options.events, metrics: options.metrics }),
    );
  }

  private makeBackend(skipped: SkippedObjectReporter): Backend {
    const o = this.options;
    switch (o.mode) {
      case 'iptables':
        return backend(
          async (input, previous) =>
            iptablesRules({
              ...input,
              previous,
              // Read only for a full sync: a partial one knows its stale chains from `previous`.
              existingChains: previous ? undefined : await o.applier.listNatChains?.(),
            }),
          o.applier,
          skipped,
          (rules) => {
            this.metrics?.iptablesRules.set({ table: 'filter' }, rules.ruleCounts.filter);
            this.metrics?.iptablesRules.set({ table: 'nat' }, rules.ruleCounts.nat);
          },
        );
      case 'nftables':
        return backend((input, previous) => nftablesRules({ ...input, table: o.table, previous }), o.applier, skipped);
      case 'ipvs':
        return backend(
          (input, previous) => ipvsRules({ ...input, scheduler: o.scheduler, previous }),
          o.applier,
          skipped,
        );
    }
  }

  /** Settles once the informers have synced and the Proxier follows changes (when `start` resolves). */
  get ready(): Promise<void> {
    return this.gates.ready;
  }

  /** Settles once `stop` has finished: the last sync done and the applier closed. */
  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  /**
   * Waits for the informers' initial lists and resolves once it follows
   * changes, with the first (full) sync requested; follows until `stop` or
   * `signal`.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    await this.source.synced();
    if (this.halted) return;
    this.unsubscribe = this.source.onChange(() => this.requestSync());
    this.requestSync();
    this.gates.markReady();
  }

  /**
   * Stops following changes; a sync in progress finishes, then the applier
   * is closed (its long-lived tool process, if any, ends). Resolves once
   * both are done; a failure to close is logged, not thrown.
   */
  stop(): Promise<void> {
    this.stopping ??= this.release();
    return this.stopping;
  }

  private async release(): Promise<void> {
    this.halted = true;
    this.unsubscribe?.();
    this.timer?.cancel();
    this.periodic?.cancel();
    while (this.running) await this.running;
    try {
      // A user's applier may close synchronously (return nothing) or throw.
      await this.options.applier.close?.();
    } catch (err) {
      this.log.warn({ err }, 'could not close the applier');
    }
    this.gates.markStopped();
  }

  /** Runs a sync now (after the one in progress, if any), ignoring the minimum interval. For tools and tests. */
  async syncNow(): Promise<SyncReport | undefined> {
    while (this.running) await this.running;
    this.timer?.cancel();
    this.timer = undefined;
    return this.runSync();
  }

  /** When the rules were last loaded successfully (clock milliseconds), for a healthz endpoint. */
  lastSyncTime(): number | undefined {
    return this.lastSuccess;
  }

  /** False when a change has waited longer than the health timeout without a successful sync (kube-proxy's healthz). */
  isHealthy(): boolean {
    return this.oldestWaiting === undefined || this.clock.now() - this.oldestWaiting <= this.healthTimeout;
  }

  private requestSync(): void {
    if (this.halted) return;
    const now = this.clock.now();
    this.oldestWaiting ??= now;
    this.metrics?.lastQueuedTimestamp.set(now / 1000);
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer) return;
    const delay = Math.max(0, this.lastStart + this.minInterval - now);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runSync();
    }, delay);
  }

  private async runSync(): Promise<SyncReport | undefined> {
    const run = this.doSync();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
      if (this.pending) {
        this.pending = false;
        this.requestSync();
      }
    }
  }

  private async doSync(): Promise<SyncReport | undefined> {
    const start = this.clock.now();
    this.lastStart = start;
    const waitingSince = this.oldestWaiting;
    this.oldestWaiting = undefined;
    const full = this.needFull || start - this.lastFull >= this.maxInterval;
    try {
      const result = await this.backend.sync(this.source.input(this.options), full);
      const end = this.clock.now();
      const seconds = (end - start) / 1000;
      this.needFull = false;
      if (result.full) this.lastFull = start;
      this.lastSuccess = end;
      this.metrics?.syncDuration.observe(seconds);
      (result.full ? this.metrics?.fullSyncDuration : this.metrics?.partialSyncDuration)?.observe(seconds);
      this.metrics?.lastSyncTimestamp.set(end / 1000);
      this.log.debug({ full: result.full, durationMs: end - start }, 'synced proxy rules');
      return { full: result.full, durationMs: end - start };
    } catch (err) {
      this.needFull = true;
      this.oldestWaiting = Math.min(this.oldestWaiting ?? start, waitingSince ?? start);
      this.metrics?.restoreFailures.inc();
      this.log.error({ err }, 'proxy rules sync failed; the next sync is a full resync');
      if (!this.halted) this.pending = true;
      return undefined;
    } finally {
      this.schedulePeriodic();
    }
  }

  private schedulePeriodic(): void {
    this.periodic?.cancel();
    if (this.halted) return;
    this.periodic = this.clock.setTimeout(() => this.requestSync(), this.maxInterval);
  }
}
