import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageRing } from '../src/agent/stats/usage-ring.js';
import { UsageHistory } from '../src/index.js';

describe('UsageRing', () => {
  const samples = fc.array(
    fc.record({
      time: fc.integer({ min: 0, max: 2 ** 45 }),
      cpuNanoCores: fc.integer({ min: 0, max: 2 ** 40 }),
      memoryWorkingSetBytes: fc.maxSafeNat(),
    }),
    { maxLength: 100 },
  );

  it('holds the last `capacity` samples in order, whatever was pushed (growing as it fills)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), samples, (capacity, values) => {
        const ring = new UsageRing(capacity);
        for (const v of values) ring.push(v);
        expect(ring.toArray()).toEqual(values.slice(-capacity));
        expect(ring.size).toBe(Math.min(capacity, values.length));
      }),
    );
  });

  it.each([0, -1, 1.5])('refuses capacity %s', (capacity) => {
    expect(() => new UsageRing(capacity)).toThrow(RangeError);
  });
});

describe('UsageHistory', () => {
  const sample = (time: number) => ({ time, cpuNanoCores: time, memoryWorkingSetBytes: 1 });

  it('keeps one window of samples per pod and for the node, and forgets pods', () => {
    const history = new UsageHistory({ windowMs: 60_000, intervalMs: 15_000 });
    for (let t = 0; t <= 300_000; t += 15_000) {
      history.recordNode(sample(t));
      history.recordPod('default', 'web', sample(t));
    }
    const snap = history.snapshot(300_000);
    expect(snap.node.map((s) => s.time)).toEqual([255_000, 270_000, 285_000, 300_000]);
    expect(snap.pods['default/web'].map((s) => s.time)).toEqual([255_000, 270_000, 285_000, 300_000]);
    history.forgetPod('default', 'web');
    expect(history.snapshot(300_000).pods).toEqual({});
  });

  it('refuses a window or interval that is not positive', () => {
    expect(() => new UsageHistory({ windowMs: 0 })).toThrow(/windowMs and intervalMs must be positive/);
  });
});
