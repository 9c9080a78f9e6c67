import { setMaxListeners } from 'node:events';
import type { Registry } from 'prom-client';
import type { Api } from '../api/api.js';
import type { ClusterApi } from '../api/cluster-api.js';
import { type Clock, resolveClock } from '../clock/clock.js';
import { BadRequestError } from '../errors/api-errors.js';
import { InformerFactory } from '../informer/informer-factory.js';
import { type ComponentLifecycle, LifecycleGates } from '../lifecycle/lifecycle.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import type { Lease } from '../model/coordination-v1.js';
import { Controller, type ControllerOptions } from './controller.js';
import { ControllerBuilder } from './controller-builder.js';
import { type LeaderElectionOptions, LeaderElector } from './leader-election.js';
import type { Runnable } from './runnable.js';

/** Options of a `Manager`. */
export interface ManagerOptions<A extends ClusterApi = Api> {
  /** The cluster's API: the in-process `Api` or a `RemoteApi`. */
  api: A;
  clock?: Clock;
  logger?: Logger;
  /** Where controllers, work queues and leader election register their metrics. None when absent. */
  metrics?: Registry;
  /** Elect a leader on this Lease; only the leader runs controllers and runnables that need election. */
  leaderElection?: LeaderElectionOptions;
  /** How long in-flight reconciles may finish on shutdown before their signals abort. Default 30 s. */
  gracefulShutdownTimeoutMs?: number;
  /**
   * Every controller's `yieldEveryMs` unless it sets its own: how long a
   * worker reconciles back to back before timers and I/O get a turn. For
   * many components in one process (a whole cluster, or controllers
   * embedded in an app). Default: no yield.
   */
  controllerYieldEveryMs?: number;
}

/**
 * A signal that aborts with `parent`, which it listens on once, open to any
 * number of listeners: every runnable of a manager (a controller manager has
 * a dozen and more) listens on it, and one listener each on the caller's
 * signal would pass Node's limit of 10 and warn of a leak that is not one.
 */
function fanOut(parent: AbortSignal): AbortSignal {
  const child = new AbortController();
  setMaxListeners(0, child.signal);
  if (parent.aborted) child.abort();
  else parent.addEventListener('abort', () => child.abort(), { once: true });
  return child.signal;
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Runs informers, controllers and other components under one lifecycle,
 * with optional leader election (controller-runtime's `Manager`).
 *
 * Lifecycle of `start(signal)`:
 * 1. starts the shared informers and the runnables that do not need
 *    election;
 * 2. waits for every informer to sync;
 * 3. without leader election, starts controllers and the other runnables;
 *    with it, starts competing for the Lease and runs them while leader;
 * 4. resolves. `stopped` resolves once a later abort has been handled:
 *    intake stops, in-flight reconciles get `gracefulShutdownTimeoutMs` to
 *    finish, runnables are awaited, the lease is released, and then the
 *    informers stop.
 *
 * Guarantees: controllers only run on synced caches; with leader election,
 * leader work stops before another replica can acquire the lease (its drain
 * time is capped to `leaseDuration - renewDeadline`).
 *
 * Caveats: add every controller and runnable before `start`. Runnables that
 * need election may be started several times (once per leadership term), so
 * their `start` must be re-entrant after the previous run's signal aborted.
 */
export class Manager<A extends ClusterApi = Api> implements ComponentLifecycle {
  /** The shared informers: other components should take theirs from here, so that one cache serves all. */
  readonly informers: InformerFactory;
  readonly api: A;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly runnables: Runnable[] = [];
  private readonly own = new AbortController();
  private readonly gates = new LifecycleGates();
  private readonly elector?: LeaderElector;
  private started = false;
  /** Settles when the leader work of the current leadership term has stopped. */
  private currentTerm: Promise<void> = Promise.resolve();

  constructor(private readonly options: ManagerOptions<A>) {
    this.api = options.api;
    this.clock = resolveClock(options.clock, options.api);
    this.logger = options.logger ?? silentLogger();
    this.informers = new InformerFactory(options.api, { clock: this.clock, logger: this.logger });
    if (options.leaderElection) {
      this.elector = new LeaderElector(this.api.resource<Lease>('Lease'), options.leaderElection, {
        clock: this.clock,
        logger: this.logger,
        metrics: options.metrics,
      });
    }
  }

  /**
   * This manager acting through another Api, e.g. `api.as(identity)`:
   * controllers and runnables declared on the view join this manager (its
   * informers, lifecycle, leader election and metrics), but read `view.api`,
   * so each controller can write under its own identity, as
   * kube-controller-manager's `--use-service-account-credentials` gives each
   * controller its ServiceAccount. Start and stop the manager, not the view.
   */
  withApi<B extends ClusterApi>(api: B): Manager<B> {
    // The view shares every field but `api` with this manager through its prototype.
    return Object.create(this, { api: { value: api, enumerable: true } }) as Manager<B>;
  }

  /** Starts declaring a controller named `name` (unique names keep logs and metrics apart). */
  controller(name: string): ControllerBuilder {
    return new ControllerBuilder(this, name);
  }

  /** Builds a controller with this manager's clock, logger, metrics and drain timeout, and adds it. */
  createController(options: Omit<ControllerOptions, 'clock' | 'logger' | 'metrics' | 'drainTimeoutMs'>): Controller {
    const controller = new Controller({
      yieldEveryMs: this.options.controllerYieldEveryMs,
      ...options,
      clock: this.clock,
      logger: this.logger,
      metrics: this.options.metrics,
      drainTimeoutMs: this.drainTimeoutMs(),
    });
    this.add(controller);
    return controller;
  }

  /** Adds a component to run under the manager's lifecycle (and leader election unless `needLeaderElection: false`). */
  add(runnable: Runnable): void {
    if (this.started) throw new BadRequestError('add runnables and controllers before manager.start()');
    this.runnables.push(runnable);
  }

  /** True when this replica runs leader work: always without leader election, else while it holds the lease. */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.started;
  }

  /** This replica's identity in leader election, if enabled. */
  get identity(): string | undefined {
    return this.elector?.identity;
  }

  /**
   * Starts everything (see the class comment) and resolves once caches are
   * synced and leader work is started or, with leader election, competing
   * for the lease. `stop()` or aborting `signal` stops it; `stopped` is the end.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.started) throw new BadRequestError('a Manager starts once; build a new one to start again');
    this.started = true;
    if (signal) this.linkAbort(signal);
    await this.run(this.own.signal);
    this.gates.markReady();
  }

  /** Resolves once caches are synced and leader work is started or competing for the lease: when `start` resolves. */
  get ready(): Promise<void> {
    return this.gates.ready;
  }

  /** Resolves once the manager has fully stopped (after `stop()` or its signal aborted). */
  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  /** Stops (see the class comment) and resolves once everything has stopped; at once if it never started. */
  async stop(): Promise<void> {
    this.own.abort();
    if (!this.started) {
      this.started = true;
      this.gates.markStopped();
    }
    await this.stopped;
  }

  private linkAbort(signal: AbortSignal): void {
    if (signal.aborted) this.own.abort();
    else signal.addEventListener('abort', () => this.own.abort(), { once: true });
  }

  private async run(signal: AbortSignal): Promise<void> {
    // Informers outlive the signal until leader work has drained, so in-flight reconciles read a cache that is still followed.
    const informersAbort = new AbortController();
    this.informers.start(informersAbort.signal);
    const always = this.runnables.filter((r) => r.needLeaderElection === false);
    const leaderWork = this.runnables.filter((r) => r.needLeaderElection !== false);
    const runSignal = fanOut(signal);
    const running: Promise<void>[] = always.map((r) => this.launch(r, runSignal));
    await Promise.race([this.informers.waitForSync(), aborted(signal)]);
    let leading: Promise<void> = Promise.resolve();
    if (!this.elector) {
      if (!signal.aborted) running.push(...leaderWork.map((r) => this.launch(r, runSignal)));
    } else {
      leading = this.elector.run(signal, {
        onStartedLeading: (leaderSignal) => {
          const termSignal = fanOut(leaderSignal);
          const term = Promise.all(leaderWork.map((r) => this.launch(r, termSignal)));
          this.currentTerm = term.then(() => undefined);
        },
        onStoppedLeading: () => this.currentTerm,
      });
    }
    void this.shutdownAfter(signal, running, leading, informersAbort);
  }

  private async shutdownAfter(
    signal: AbortSignal,
    running: Promise<void>[],
    leading: Promise<void>,
    informers: AbortController,
  ): Promise<void> {
    await aborted(signal);
    this.logger.info('stopping: waiting for runnables and in-flight reconciles');
    await Promise.all([...running, leading]);
    informers.abort();
    this.logger.info('stopped');
    this.gates.markStopped();
  }

  /**
   * Starts a runnable and resolves once it has stopped: when its `start`
   * settles, or for a component with the `ComponentLifecycle` shape (whose
   * `start` resolves when ready), when its `stopped` does. A failure is
   * logged, not thrown, so one component cannot take the others down
   * silently.
   */
  private async launch(runnable: Runnable, signal: AbortSignal): Promise<void> {
    try {
      await runnable.start(signal);
      await runnable.stopped;
    } catch (err) {
      this.logger.error({ err }, 'runnable failed');
    }
  }

  /** With leader election, leader work must stop within the slack between renew deadline and lease expiry. */
  private drainTimeoutMs(): number {
    const graceful = this.options.gracefulShutdownTimeoutMs ?? 30_000;
    if (!this.elector) return graceful;
    const { leaseDurationMs, renewDeadlineMs } = this.elector.timings;
    return Math.min(graceful, leaseDurationMs - renewDeadlineMs);
  }
}
