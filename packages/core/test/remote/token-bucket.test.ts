import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { BadRequestError } from '../../src/errors/api-errors.js';
import { TokenBucket } from '../../src/remote/token-bucket.js';

/** Takes `n` tokens at once and reports when (clock ms after start) each caller was let through. */
async function admitted(clock: FakeClock, bucket: TokenBucket, n: number, runForMs: number): Promise<number[]> {
  const start = clock.now();
  const times: number[] = [];
  const all = Array.from({ length: n }, () => bucket.take().then(() => times.push(clock.now() - start)));
  await clock.step(runForMs);
  await Promise.all(all);
  return times.sort((a, b) => a - b);
}

describe('TokenBucket: client-go QPS and burst on the clock', () => {
  it.each([
    { qps: 5, burst: 10, n: 13, expected: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 400, 600] },
    { qps: 10, burst: 1, n: 4, expected: [0, 100, 200, 300] },
    { qps: Number.POSITIVE_INFINITY, burst: 1, n: 5, expected: [0, 0, 0, 0, 0] },
  ])('qps $qps burst $burst: $n requests at once are let through at $expected', async ({ qps, burst, n, expected }) => {
    const clock = new FakeClock();
    expect(await admitted(clock, new TokenBucket(clock, qps, burst), n, 10_000)).toEqual(expected);
  });

  it('refills at qps while idle, up to burst', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(clock, 5, 10);
    await admitted(clock, bucket, 10, 0);
    await clock.step(1_000); // five tokens back
    expect(await admitted(clock, bucket, 6, 1_000)).toEqual([0, 0, 0, 0, 0, 200]);
  });

  it.each([
    { qps: 0, burst: 10, field: 'qps' },
    { qps: -1, burst: 10, field: 'qps' },
    { qps: 5, burst: 0, field: 'burst' },
    { qps: 5, burst: 1.5, field: 'burst' },
  ])('refuses qps $qps burst $burst naming $field', ({ qps, burst, field }) => {
    expect(() => new TokenBucket(new FakeClock(), qps, burst)).toThrow(BadRequestError);
    expect(() => new TokenBucket(new FakeClock(), qps, burst)).toThrow(new RegExp(`^${field}:`));
  });
});
