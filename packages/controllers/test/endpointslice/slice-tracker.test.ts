import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../src/endpointslice/discovery-types.js';
import { SliceTracker } from '../../src/endpointslice/slice-tracker.js';

const slice = (name: string, rv: number) =>
  ({ metadata: { name, resourceVersion: String(rv) }, endpoints: [] }) as unknown as EndpointSlice;

describe('SliceTracker', () => {
  it('waits until the cache shows each write at its revision, and each delete', () => {
    const tracker = new SliceTracker(new FakeClock());
    tracker.wrote('ns/web', slice('a', 10));
    tracker.deleted('ns/web', 'b');
    expect(tracker.caughtUp('ns/web', [])).toBe(false);
    expect(tracker.caughtUp('ns/web', [slice('a', 9)])).toBe(false);
    expect(tracker.caughtUp('ns/web', [slice('a', 10), slice('b', 3)])).toBe(false);
    expect(tracker.caughtUp('ns/web', [slice('a', 11)])).toBe(true);
    expect(tracker.caughtUp('ns/other', [])).toBe(true);
  });

  it('counts a write as seen after the TTL, so a lost event cannot block a service forever', async () => {
    const clock = new FakeClock();
    const tracker = new SliceTracker(clock, 30_000);
    tracker.wrote('ns/web', slice('a', 10));
    await clock.step(30_000);
    expect(tracker.caughtUp('ns/web', [])).toBe(false);
    await clock.step(1);
    expect(tracker.caughtUp('ns/web', [])).toBe(true);
  });
});
