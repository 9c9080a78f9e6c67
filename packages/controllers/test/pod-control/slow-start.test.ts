import { describe, expect, it } from 'vitest';
import { slowStartBatch } from '../../src/pod-control/slow-start.js';

describe('slowStartBatch', () => {
  it('runs batches 1, 2, 4, ... and completes all on success', async () => {
    const starts: number[] = [];
    const result = await slowStartBatch(10, 1, async (i) => {
      starts.push(i);
    });
    expect(result).toEqual({ successes: 10, skipped: 0 });
    expect(starts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops after the first batch with a failure and reports what it skipped', async () => {
    let calls = 0;
    const result = await slowStartBatch(20, 1, async (i) => {
      calls++;
      if (i === 4) throw new Error('rejected');
    });
    // batches: [0] [1,2] [3,4,5,6] -> the third batch fails; 13 never started.
    expect(calls).toBe(7);
    expect(result.successes).toBe(6);
    expect(result.skipped).toBe(13);
    expect((result.error as Error).message).toBe('rejected');
  });

  it('makes one call when every call fails', async () => {
    let calls = 0;
    const result = await slowStartBatch(500, 1, async () => {
      calls++;
      throw new Error('quota');
    });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ successes: 0, skipped: 499 });
  });
});
