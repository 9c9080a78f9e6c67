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

  it('does not let its own writes wake the service, but does for anyone else', () => {
    const tracker = new SliceTracker(new FakeClock());
    tracker.wrote('ns/web', slice('a', 10));
    tracker.deleted('ns/web', 'b');
    expect(tracker.shouldSync('ns/web', slice('a', 10), false)).toBe(false); // our write
    expect(tracker.shouldSync('ns/web', slice('a', 9), false)).toBe(false); // the state it replaced
    expect(tracker.shouldSync('ns/web', slice('a', 11), false)).toBe(true); // someone else's update
    expect(tracker.shouldSync('ns/web', slice('a', 10), true)).toBe(true); // someone else's delete
    expect(tracker.shouldSync('ns/web', slice('b', 3), true)).toBe(false); // our delete
    expect(tracker.shouldSync('ns/web', slice('c', 1), false)).toBe(true); // a slice we never wrote
    tracker.forget('ns/web');
    expect(tracker.shouldSync('ns/web', slice('a', 10), false)).toBe(true);
  });

  it.each([
    { held: [['a', 10]], allOwn: true, case: 'only our own write was delivered during it' },
    {
      held: [
        ['a', 10],
        ['a', 12],
      ],
      allOwn: false,
      case: 'someone else updated the slice during it',
    },
    { held: [['x', 4]], allOwn: false, case: 'someone else wrote another slice during it' },
  ] as const)('holds back events during a sync and settles them after: $case', ({ held, allOwn }) => {
    const tracker = new SliceTracker(new FakeClock());
    tracker.writing('ns/web');
    for (const [name, rv] of held) expect(tracker.shouldSync('ns/web', slice(name, rv), false)).toBe(false);
    tracker.wrote('ns/web', slice('a', 10));
    expect(tracker.settle('ns/web')).toBe(allOwn);
    expect(tracker.settle('ns/web')).toBe(true); // nothing held any more
  });
});
