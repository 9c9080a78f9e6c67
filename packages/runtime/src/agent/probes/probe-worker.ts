import type { Clock, Probe, TimerHandle } from '@flotilla/core';
import { type ProbeTarget, runProbeHandler } from './probe-handler.js';

/** The three probe kinds. */
export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** A probe's current verdict. */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/**
 * Runs one probe of one container instance on the clock, with the kubelet's
 * timing: the first attempt `initialDelaySeconds` after the container
 * started, then every `periodSeconds`; each attempt times out after
 * `timeoutSeconds`; the verdict flips to success after `successThreshold`
 * consecutive successes and to failure after `failureThreshold` consecutive
 * failures.
 *
 * The verdict starts as `success` for liveness (healthy until proven
 * otherwise) and `unknown` for readiness and startup. A worker whose `gate`
 * says no (liveness and readiness before startup succeeded) skips attempts.
 */
export class ProbeWorker {
  private verdict: ProbeResult;
  private successes = 0;
  private failures = 0;
  private timer?: TimerHandle;
  private stopped = false;
  /** The last failure's message. */
  lastMessage = '';

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly target: ProbeTarget,
    private readonly clock: Clock,
    startedAt: number,
    private readonly gate: () => boolean,
    private readonly onChange: () => void,
    /** Told every failed attempt (the kubelet records an Unhealthy event for each). */
    private readonly onFailedAttempt: (message: string) => void = () => {},
  ) {
    this.verdict = kind === 'liveness' ? 'success' : 'unknown';
    const firstAt = startedAt + (probe.initialDelaySeconds ?? 0) * 1000;
    this.schedule(Math.max(0, firstAt - clock.now()));
  }

  /** The current verdict. */
  get result(): ProbeResult {
    return this.verdict;
  }

  /** Cancels the next probe; the verdict stays as it was. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.attempt(), ms);
  }

  private async attempt(): Promise<void> {
    const periodMs = (this.probe.periodSeconds ?? 10) * 1000;
    if (!this.gate()) {
      this.schedule(periodMs);
      return;
    }
    const outcome = await runProbeHandler(this.probe, this.target, this.probe.timeoutSeconds ?? 1);
    if (this.stopped) return;
    if (outcome.success) {
      this.failures = 0;
      this.successes += 1;
    } else {
      this.successes = 0;
      this.failures += 1;
      this.lastMessage = outcome.message ?? '';
      this.onFailedAttempt(this.lastMessage);
    }
    const before = this.verdict;
    if (this.successes >= (this.probe.successThreshold ?? 1)) this.verdict = 'success';
    else if (this.failures >= (this.probe.failureThreshold ?? 3)) this.verdict = 'failure';
    // Startup probes stop once they succeed, as the kubelet's do.
    if (!(this.kind === 'startup' && this.verdict === 'success')) this.schedule(periodMs);
    if (this.verdict !== before) this.onChange();
  }
}
