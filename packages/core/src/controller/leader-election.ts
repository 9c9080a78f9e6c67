import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Gauge, type Registry } from 'prom-client';
import type { ResourceClient } from '../api/types.js';
import { type Clock, RealClock, type TimerHandle } from '../clock/clock.js';
import { type FieldError, InvalidError, isReason } from '../errors/api-errors.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import { registeredMetric } from '../metrics/registered-metric.js';
import type { Lease } from '../model/coordination-v1.js';

/**
 * Where and how to elect a leader. Durations in milliseconds, as every
 * duration in Flotilla; the defaults are client-go's (and
 * kube-controller-manager's `--leader-elect-*` flags').
 */
export interface LeaderElectionOptions {
  /** The Lease's name, shared by every replica that competes. */
  name: string;
  namespace: string;
  /** This replica's identity. Default `<hostname>_<uuid>`. */
  identity?: string;
  /** How long a lease lasts without renewal before a standby may take it. Default 15,000 (Kubernetes: 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before it gives up leading. Default 10,000 (Kubernetes: 10 s). */
  renewDeadlineMs?: number;
  /** Wait between attempts to acquire or renew. Default 2,000 (Kubernetes: 2 s). */
  retryPeriodMs?: number;
  /** Clear the lease on shutdown so a standby takes over at once. Default true. */
  releaseOnCancel?: boolean;
}

/** What the elector calls as leadership comes and goes. */
export interface LeaderCallbacks {
  /** Became leader: run leader work until `signal` aborts (lost leadership or shutdown). */
  onStartedLeading(signal: AbortSignal): void;
  /** Leadership ended; resolve once leader work has stopped (the lease is released after). */
  onStoppedLeading(): Promise<void> | void;
}

/** client-go's `JitterFactor`: retries wait up to 1.2 x the retry period. */
const jitterFactor = 1.2;

function validate(o: Required<Omit<LeaderElectionOptions, 'identity' | 'releaseOnCancel'>>): FieldError[] {
  const errors: FieldError[] = [];
  const path = (f: string) => `leaderElection.${f}`;
  if (!o.name) errors.push({ field: path('name'), message: 'Required value' });
  if (!o.namespace) errors.push({ field: path('namespace'), message: 'Required value' });
  if (!(o.leaseDurationMs > o.renewDeadlineMs))
    errors.push({
      field: path('leaseDurationMs'),
      message: `Invalid value: ${o.leaseDurationMs}: must be greater than renewDeadlineMs (${o.renewDeadlineMs})`,
    });
  if (!(o.renewDeadlineMs > jitterFactor * o.retryPeriodMs))
    errors.push({
      field: path('renewDeadlineMs'),
      message: `Invalid value: ${o.renewDeadlineMs}: must be greater than ${jitterFactor} x retryPeriodMs (${o.retryPeriodMs})`,
    });
  if (!(o.retryPeriodMs > 0)) errors.push({ field: path('retryPeriodMs'), message: 'Invalid value: must be positive' });
  return errors;
}

/** Kubernetes' MicroTime format: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/**
 * Leader election on a `coordination.k8s.io` Lease, with client-go's
 * algorithm: the holder renews `renewTime` every retry period; others
 * record when they last *observed* the lease change, on their own clock, and
 * may take it once `leaseDurationMs` pass without a change. Every write
 * is compare-and-swap on the Lease's resourceVersion, so two candidates
 * cannot both win.
 *
 * Guarantees:
 * - At most one replica acts as leader at a time, given clocks that advance
 *   at about the same rate: a leader whose renewals fail steps down (aborts
 *   the leader signal) `renewDeadlineMs` after its last successful
 *   renewal attempt began, which is before any standby may take the lease
 *   (`leaseDurationMs` after it last saw a change).
 * - A hanging renewal call cannot extend leadership: the deadline is a timer.
 * - After stepping down it competes again.
 *
 * Caveats:
 * - Leader work gets `leaseDuration - renewDeadline` (5 s by default) to stop
 *   after the leader signal aborts; work that ignores the signal breaks the
 *   guarantee.
 * - Clock skew does not matter, but a clock that stalls (a paused VM) does.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly status?: Gauge<'name'>;
  private observed?: { record: string; at: number };
  private leading = false;

  constructor(
    private readonly leases: ResourceClient<Lease>,
    private readonly options: LeaderElectionOptions,
    deps: { clock?: Clock; logger?: Logger; metrics?: Registry } = {},
  ) {
    const resolved = {
      name: options.name,
      namespace: options.namespace,
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
    };
    const errors = validate(resolved);
    if (errors.length > 0) throw new InvalidError('LeaderElectionConfig', options.name, errors);
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.leaseDurationMs = resolved.leaseDurationMs;
    this.renewDeadlineMs = resolved.renewDeadlineMs;
    this.retryPeriodMs = resolved.retryPeriodMs;
    this.clock = deps.clock ?? new RealClock();
    this.logger = (deps.logger ?? silentLogger()).child({
      lease: `${options.namespace}/${options.name}`,
      identity: this.identity,
    });
    const registers = deps.metrics ? [deps.metrics] : [];
    this.status = deps.metrics
      ? registeredMetric(
          deps.metrics,
          'leader_election_master_status',
          () =>
            new Gauge({
              name: 'leader_election_master_status',
              help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
              labelNames: ['name'],
              registers,
            }),
        )
      : undefined;
  }

  /** The Lease's spec timings, for callers that must fit inside them. */
  get timings(): { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number } {
    return {
      leaseDurationMs: this.leaseDurationMs,
      renewDeadlineMs: this.renewDeadlineMs,
      retryPeriodMs: this.retryPeriodMs,
    };
  }

  /** True while this replica is the leader. */
  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Competes for the lease until `signal` aborts, calling back as
   * leadership starts and stops. Resolves after shutdown, once leader work
   * stopped and (with `releaseOnCancel`) the lease was released.
   */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    while (!signal.aborted) {
      const attempt = this.clock.now();
      if (await this.tryAcquireOrRenew()) await this.lead(signal, callbacks, attempt);
      else
        await this.clock
          .sleep(this.retryPeriodMs * (1 + Math.random() * (jitterFactor - 1)), signal)
          .catch(() => undefined);
    }
  }

  private async lead(signal: AbortSignal, callbacks: LeaderCallbacks, acquiredAttempt: number): Promise<void> {
    const lost = new AbortController();
    const leaderSignal = AbortSignal.any([signal, lost.signal]);
    let deadline: TimerHandle | undefined;
    const armDeadline = (attemptStart: number) => {
      deadline?.cancel();
      deadline = this.clock.setTimeout(
        () => {
          this.logger.warn('could not renew the lease within the renew deadline; stepping down');
          lost.abort(new Error('leader election lost'));
        },
        this.renewDeadlineMs - (this.clock.now() - attemptStart),
      );
    };
    armDeadline(acquiredAttempt);
    this.setLeading(true);
    this.logger.info('became leader');
    callbacks.onStartedLeading(leaderSignal);
    while (!leaderSignal.aborted) {
      await this.clock.sleep(this.retryPeriodMs, leaderSignal).catch(() => undefined);
      if (leaderSignal.aborted) break;
      const attempt = this.clock.now();
      if ((await this.tryAcquireOrRenew()) && !leaderSignal.aborted) armDeadline(attempt);
    }
    deadline?.cancel();
    this.setLeading(false);
    await callbacks.onStoppedLeading();
    if (signal.aborted && this.options.releaseOnCancel !== false) await this.release();
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.status?.set({ name: this.options.name }, leading ? 1 : 0);
  }

  /** One step of client-go's `tryAcquireOrRenew`; false on any failure (the caller retries). */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const spec = {
      holderIdentity: this.identity,
      // The Lease says whole seconds; rounded up, so a standby never takes over early.
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    const { name, namespace } = this.options;
    try {
      let lease: Lease;
      try {
        lease = await this.leases.get(namespace, name);
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
        await this.leases.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec,
        });
        this.observe(JSON.stringify(spec), now);
        return true;
      }
      const record = JSON.stringify(lease.spec);
      if (this.observed?.record !== record) this.observe(record, now);
      const holder = lease.spec.holderIdentity;
      const observedAt = this.observed?.at ?? now;
      if (holder && holder !== this.identity && observedAt + this.leaseDurationMs > now) return false;
      if (holder === this.identity) {
        spec.acquireTime = lease.spec.acquireTime ?? spec.acquireTime;
        spec.leaseTransitions = lease.spec.leaseTransitions ?? 0;
      } else {
        spec.leaseTransitions = (lease.spec.leaseTransitions ?? 0) + 1;
      }
      await this.leases.update({ ...lease, spec });
      this.observe(JSON.stringify(spec), now);
      return true;
    } catch (err) {
      this.logger.debug({ err }, 'failed to acquire or renew the lease');
      return false;
    }
  }

  private observe(record: string, at: number): void {
    this.observed = { record, at };
  }

  /** Gives the lease up (client-go's ReleaseOnCancel): a standby then takes it on its next try. */
  private async release(): Promise<void> {
    try {
      const lease = await this.leases.get(this.options.namespace, this.options.name);
      if (lease.spec.holderIdentity !== this.identity) return;
      const now = microTime(this.clock.now());
      await this.leases.update({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      this.logger.info('released the lease');
    } catch (err) {
      this.logger.warn({ err }, 'could not release the lease; a standby takes over after it expires');
    }
  }
}
