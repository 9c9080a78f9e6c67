import { type Clock, sleepOn, type TimerHandle } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. `step(ms)` advances time and fires every
 * timer that falls due, in due-time order (ties in creation order), letting
 * promise callbacks run between timers so that code awaiting a timer can set
 * the next one before time moves on.
 *
 * Guarantees: a timer set for `t` never fires before `now() === t`; timers
 * created while stepping fire in the same step if they fall due in it.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Advance time by `ms`, firing due timers in order. */
  async step(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Jump to an absolute time (forward only), firing due timers in order. */
  async setTime(to: number | Date): Promise<void> {
    const target = typeof to === 'number' ? to : to.getTime();
    if (target < this.current) throw new RangeError(`FakeClock cannot go back from ${this.current} to ${target}`);
    await this.advanceTo(target);
  }

  /** Let pending promise callbacks run without moving time (a few macrotask turns). */
  async flush(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  }

  private async advanceTo(target: number): Promise<void> {
    await this.flush();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.delete(next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await this.flush();
    }
    this.current = target;
    await this.flush();
  }

  private nextDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
