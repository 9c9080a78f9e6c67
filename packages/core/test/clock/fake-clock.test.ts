import { describe, expect, it } from 'vitest';
import { RealClock, toTimestamp } from '../../src/clock/clock.js';
import { FakeClock } from '../../src/clock/fake-clock.js';

describe('FakeClock', () => {
  it('fires due timers in due-time order, ties in creation order, each at its own time', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 31);
    await clock.step(30);
    expect(fired).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires, in the same step, timers set by code awaiting an earlier timer', async () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        ticks.push(clock.now());
      }
    };
    const done = loop();
    await clock.step(300);
    await done;
    expect(ticks).toEqual([100, 200, 300]);
  });

  it('cancels timers, and rejects a sleep when its signal aborts', async () => {
    const clock = new FakeClock(0);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10).cancel();
    const ac = new AbortController();
    const sleeping = clock.sleep(1000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    await clock.step(2000);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('jumps forward with setTime and refuses to go back', async () => {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    await clock.setTime(new Date('2026-01-01T00:01:00Z'));
    expect(toTimestamp(clock.now())).toBe('2026-01-01T00:01:00Z');
    await expect(clock.setTime(0)).rejects.toThrow(RangeError);
  });
});

describe('RealClock', () => {
  it('rejects a sleep whose signal is already aborted, without waiting', async () => {
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await expect(new RealClock().sleep(60_000, ac.signal)).rejects.toThrow('already');
  });
});
