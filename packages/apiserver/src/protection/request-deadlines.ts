import { type Clock, RealClock, type TimerHandle } from '@flotilla/core';

/** A request under the request timeout: told once when its time is up, unless it finished before. */
export interface TimedRequest {
  /** When it expires (ms on the deadlines' clock); set by `RequestDeadlines.add`. */
  deadline: number;
  /** Called once, when the request is still pending at its deadline. */
  expire(): void;
}

/**
 * The request timeout of every short request, kept with one timer for all
 * instead of one per request (kube-apiserver's timeout filter). Every
 * request gets the same timeout, so deadlines come in the order requests
 * start: the oldest pending request is always the next to expire, and the
 * timer waits for it alone. A request that finishes leaves in O(1); the
 * timer fires about once per timeout, not once per request.
 */
export class RequestDeadlines {
  private readonly pending = new Set<TimedRequest>();
  private timer?: TimerHandle;
  private timerAt = 0;

  constructor(
    private readonly timeoutMs: number,
    /** The wall clock by default: a request timeout is real time, whatever clock the Api keeps. */
    private readonly clock: Pick<Clock, 'now' | 'setTimeout'> = new RealClock(),
  ) {}

  /** Starts `request`'s timeout. */
  add(request: TimedRequest): void {
    request.deadline = this.clock.now() + this.timeoutMs;
    this.pending.add(request);
    if (this.timer === undefined) this.arm(request.deadline);
  }

  /** The request finished: its timeout no longer applies. */
  delete(request: TimedRequest): void {
    this.pending.delete(request);
  }

  /** Stops the timer; pending requests no longer expire. */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
  }

  private arm(deadline: number): void {
    this.timerAt = deadline;
    this.timer = this.clock.setTimeout(() => this.sweep(), deadline - this.clock.now());
  }

  private sweep(): void {
    this.timer = undefined;
    // A timer may fire a little before its time: the deadline it was armed for has come.
    const now = Math.max(this.clock.now(), this.timerAt);
    for (const request of this.pending) {
      if (request.deadline > now) {
        this.arm(request.deadline);
        return;
      }
      this.pending.delete(request);
      request.expire();
    }
  }
}
