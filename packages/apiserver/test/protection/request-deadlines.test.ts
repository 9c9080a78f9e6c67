import { FakeClock } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestDeadlines, type TimedRequest } from '../../src/protection/request-deadlines.js';
import { ActiveRequests } from '../../src/server/active-requests.js';

const TIMEOUT = 60_000;

/** A request starts, a request finishes, or time passes. */
type Step = { start: string } | { finish: string } | { wait: number };

function timed(expired: string[], name: string): TimedRequest {
  return { deadline: 0, expire: () => expired.push(name) };
}

describe('RequestDeadlines: one timer for every request timeout', () => {
  it.each<{ what: string; steps: Step[]; expired: string[] }>([
    {
      what: 'a request still pending at its timeout expires, once',
      steps: [{ start: 'a' }, { wait: TIMEOUT - 1 }, { wait: 1 }, { wait: TIMEOUT }],
      expired: ['a'],
    },
    {
      what: 'a request that finishes first never expires',
      steps: [{ start: 'a' }, { wait: 10 }, { finish: 'a' }, { wait: 2 * TIMEOUT }],
      expired: [],
    },
    {
      what: 'requests expire in the order they started, each at its own deadline',
      steps: [{ start: 'a' }, { wait: 10 }, { start: 'b' }, { wait: TIMEOUT - 10 }, { wait: 9 }, { wait: 1 }],
      expired: ['a', 'b'],
    },
    {
      what: 'the oldest finishing leaves the next one its own deadline',
      steps: [{ start: 'a' }, { wait: 10 }, { start: 'b' }, { finish: 'a' }, { wait: TIMEOUT - 1 }, { wait: 11 }],
      expired: ['b'],
    },
    {
      what: 'a request started after every earlier one finished gets a full timeout',
      steps: [{ start: 'a' }, { finish: 'a' }, { wait: TIMEOUT - 5 }, { start: 'b' }, { wait: TIMEOUT - 1 }],
      expired: [],
    },
  ])('$what', async ({ steps, expired: want }) => {
    const clock = new FakeClock(0);
    const deadlines = new RequestDeadlines(TIMEOUT, clock);
    const expired: string[] = [];
    const requests = new Map<string, TimedRequest>();
    for (const step of steps) {
      if ('start' in step) {
        const r = timed(expired, step.start);
        requests.set(step.start, r);
        deadlines.add(r);
      } else if ('finish' in step) deadlines.delete(requests.get(step.finish)!);
      else await clock.step(step.wait);
    }
    expect(expired).toEqual(want);
  });

  it('close stops the timer: nothing expires afterwards', async () => {
    const clock = new FakeClock(0);
    const deadlines = new RequestDeadlines(TIMEOUT, clock);
    const expired: string[] = [];
    deadlines.add(timed(expired, 'a'));
    deadlines.close();
    await clock.step(2 * TIMEOUT);
    expect(expired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a request expires at its deadline if, and only if, it is still pending then, whatever the starts and finishes', async () => {
    const step = fc.oneof(
      fc.constant({ kind: 'start' as const }),
      fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: TIMEOUT }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const clock = new FakeClock(0);
        const deadlines = new RequestDeadlines(TIMEOUT, clock);
        const handles: TimedRequest[] = [];
        const startedAt: number[] = [];
        const finishedAt = new Map<number, number>();
        const expiredAt = new Map<number, number>();
        for (const s of steps) {
          if (s.kind === 'start') {
            const id = handles.length;
            startedAt.push(clock.now());
            handles.push({ deadline: 0, expire: () => expiredAt.set(id, clock.now()) });
            deadlines.add(handles[id]!);
          } else if (s.kind === 'wait') await clock.step(s.ms);
          else {
            const pending = handles.map((_, id) => id).filter((id) => !finishedAt.has(id) && !expiredAt.has(id));
            if (pending.length === 0) continue;
            const id = pending[s.pick % pending.length]!;
            finishedAt.set(id, clock.now());
            deadlines.delete(handles[id]!);
          }
        }
        for (let id = 0; id < handles.length; id++) {
          const deadline = startedAt[id]! + TIMEOUT;
          const finished = finishedAt.get(id);
          const shouldExpire = clock.now() >= deadline && (finished === undefined || finished >= deadline);
          if (finished !== undefined && finished < deadline) expect(expiredAt.has(id)).toBe(false);
          else expect(expiredAt.get(id)).toBe(shouldExpire ? deadline : undefined);
        }
      }),
    );
  });
});

describe('ActiveRequests: what a graceful stop waits for', () => {
  it('idle resolves at once with nothing active, and once the last active request ends otherwise', async () => {
    const active = new ActiveRequests();
    await active.idle();
    active.started();
    active.started();
    let idle = false;
    const waiting = active.idle().then(() => {
      idle = true;
    });
    active.ended();
    await Promise.resolve();
    expect(idle).toBe(false);
    active.ended();
    await waiting;
    expect(idle).toBe(true);
  });
});
