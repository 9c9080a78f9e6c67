import { describe, expect, it } from 'vitest';
import { msUntilNextPod, podFailureBackoffMs } from '../../src/job/backoff.js';
import { formatIndexRanges, indexesToStart, parseIndexRanges } from '../../src/job/completion-index.js';

describe('pod failure backoff', () => {
  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [6, 320_000],
    [7, 600_000],
    [50, 600_000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(podFailureBackoffMs(failures)).toBe(ms);
  });

  it('counts from the last failure', () => {
    expect(msUntilNextPod(2, 1_000, 6_000)).toBe(15_000);
    expect(msUntilNextPod(2, 1_000, 30_000)).toBe(0);
    expect(msUntilNextPod(0, undefined, 30_000)).toBe(0);
  });
});

describe('completed index ranges', () => {
  it.each([
    ['', []],
    ['0', [0]],
    ['0-3,5', [0, 1, 2, 3, 5]],
    ['1,3-4,7-9', [1, 3, 4, 7, 8, 9]],
  ])('%j round-trips', (text, indexes) => {
    expect([...parseIndexRanges(text)]).toEqual(indexes);
    expect(formatIndexRanges(indexes)).toBe(text);
  });

  it('starts the lowest free indexes', () => {
    expect(indexesToStart(6, new Set([0, 2]), new Set([1]), 2)).toEqual([3, 4]);
    expect(indexesToStart(3, new Set([0, 1, 2]), new Set(), 5)).toEqual([]);
  });
});
