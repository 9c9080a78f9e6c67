import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/table/human-duration.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

// Ported as data from kubernetes/apimachinery pkg/util/duration/duration_test.go (TestHumanDuration).
const upstream: [number, string][] = [
  [second, '1s'],
  [70 * second, '70s'],
  [190 * second, '3m10s'],
  [70 * minute, '70m'],
  [47 * hour, '47h'],
  [49 * hour, '2d1h'],
  [(8 * 24 + 2) * hour, '8d'],
  [367 * 24 * hour, '367d'],
  [(365 * 2 * 24 + 25) * hour, '2y1d'],
  [(365 * 8 * 24 + 2) * hour, '8y'],
];

describe('humanDuration prints ages as kubectl does', () => {
  it.each(upstream)('%i ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [-500, '0s'],
    [-5 * second, '<invalid>'],
    [5 * minute, '5m'],
    [3 * hour + 5 * minute, '3h5m'],
  ])('%i ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
