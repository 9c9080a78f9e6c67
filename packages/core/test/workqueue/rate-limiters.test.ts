import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import {
  bucketRateLimiter,
  defaultControllerRateLimiter,
  exponentialFailureRateLimiter,
  maxOfRateLimiter,
  type RateLimiter,
} from '../../src/workqueue/rate-limiters.js';

const whens = (l: RateLimiter, item: string, n: number) => Array.from({ length: n }, () => l.when(item));

describe('exponentialFailureRateLimiter', () => {
  it.each([
    { name: 'client-go defaults', options: {}, expected: [5, 10, 20, 40, 80] },
    { name: 'custom base', options: { baseDelayMs: 1 }, expected: [1, 2, 4, 8, 16] },
    { name: 'capped', options: { baseDelayMs: 100, maxDelayMs: 300 }, expected: [100, 200, 300, 300, 300] },
  ])('$name: $expected', ({ options, expected }) => {
    expect(whens(exponentialFailureRateLimiter(options), 'a', 5)).toEqual(expected);
  });

  it('caps at 1000 s by default and never overflows', () => {
    const l = exponentialFailureRateLimiter();
    const all = whens(l, 'a', 2000);
    expect(all.at(-1)).toBe(1_000_000);
    expect(all.every(Number.isFinite)).toBe(true);
  });

  it('tracks items separately and forgets them', () => {
    const l = exponentialFailureRateLimiter();
    whens(l, 'a', 3);
    expect(l.when('b')).toBe(5);
    expect(l.numRequeues('a')).toBe(3);
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(5);
  });
});

describe('bucketRateLimiter', () => {
  it('lets a burst through, then spaces items at 1/qps', () => {
    const clock = new FakeClock();
    const l = bucketRateLimiter({ qps: 10, burst: 3, clock });
    expect(whens(l, 'x', 5)).toEqual([0, 0, 0, 100, 200]);
    expect(l.numRequeues('x')).toBe(0);
  });

  it('refills tokens as the clock moves', async () => {
    const clock = new FakeClock();
    const l = bucketRateLimiter({ qps: 10, burst: 2, clock });
    whens(l, 'x', 2);
    await clock.step(100);
    expect(l.when('x')).toBe(0);
    expect(l.when('x')).toBe(100);
  });
});

describe('maxOfRateLimiter and the default controller limiter', () => {
  it('takes the longest delay and the highest count, and forgets everywhere', () => {
    const a = exponentialFailureRateLimiter({ baseDelayMs: 1 });
    const b = exponentialFailureRateLimiter({ baseDelayMs: 3 });
    const l = maxOfRateLimiter(a, b);
    expect(whens(l, 'k', 3)).toEqual([3, 6, 12]);
    expect(l.numRequeues('k')).toBe(3);
    l.forget('k');
    expect(a.numRequeues('k') + b.numRequeues('k')).toBe(0);
  });

  it('default: 5 ms per item doubling, and 10 qps after a burst of 100', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter({ clock });
    expect(whens(l, 'a', 3)).toEqual([5, 10, 20]);
    for (let i = 0; i < 97; i++) l.when(`item-${i}`);
    expect(l.when('fresh')).toBe(100);
  });
});
