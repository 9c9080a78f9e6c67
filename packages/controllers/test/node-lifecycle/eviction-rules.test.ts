import type { Taint, Toleration } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { EvictionLimiter } from '../../src/node-lifecycle/eviction-limiter.js';
import { evictionDeadline, toleratesTaint } from '../../src/node-lifecycle/tolerations.js';
import { evictionRateFor, resolveDisruptionOptions, zoneState } from '../../src/node-lifecycle/zone-disruption.js';

const unreachable: Taint = {
  key: 'node.kubernetes.io/unreachable',
  effect: 'NoExecute',
  timeAdded: '2026-01-01T00:00:00Z',
};
const t0 = Date.parse('2026-01-01T00:00:00Z');

describe('zone state (ComputeZoneState)', () => {
  it.each([
    [5, 0, 'Normal'],
    [0, 1, 'FullDisruption'],
    [0, 0, 'Normal'],
    [1, 2, 'Normal'], // two not ready is never partial
    [2, 3, 'PartialDisruption'], // 60% >= 55%
    [3, 3, 'Normal'], // 50%
    [100, 3, 'Normal'],
  ] as const)('%i ready, %i not ready -> %s', (ready, notReady, state) => {
    expect(zoneState(ready, notReady, 0.55)).toBe(state);
  });
});

describe('eviction rate per zone (setLimiterInZone)', () => {
  const opts = resolveDisruptionOptions();
  it.each([
    ['Normal', 10, 0.1],
    ['FullDisruption', 10, 0.1],
    ['PartialDisruption', 10, 0],
    ['PartialDisruption', 51, 0.01],
  ] as const)('%s with %i nodes -> %d nodes/s', (state, size, rate) => {
    expect(evictionRateFor(state, size, opts)).toBe(rate);
  });
});

describe('tolerations of NoExecute taints', () => {
  it.each<[string, Toleration, boolean]>([
    ['Exists without key tolerates everything', { operator: 'Exists' }, true],
    ['key + Exists', { key: unreachable.key, operator: 'Exists' }, true],
    ['other key', { key: 'x', operator: 'Exists' }, false],
    ['effect mismatch', { key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, false],
    ['Equal with empty value', { key: unreachable.key, operator: 'Equal' }, true],
    ['Equal with another value', { key: unreachable.key, operator: 'Equal', value: 'v' }, false],
  ])('%s', (_, toleration, expected) => {
    expect(toleratesTaint(toleration, unreachable)).toBe(expected);
  });

  it.each<[string, Toleration[] | undefined, number | undefined]>([
    ['no toleration: now', undefined, t0 + 5000],
    [
      '300 s toleration: taint time + 300 s',
      [{ key: unreachable.key, operator: 'Exists', tolerationSeconds: 300 }],
      t0 + 300_000,
    ],
    [
      'the shortest bounded toleration wins',
      [
        { key: unreachable.key, operator: 'Exists', tolerationSeconds: 300 },
        { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      ],
      t0 + 60_000,
    ],
    ['an unbounded toleration: never', [{ key: unreachable.key, operator: 'Exists' }], undefined],
  ])('%s', (_, tolerations, expected) => {
    expect(evictionDeadline(tolerations, [unreachable], t0 + 5000)).toBe(expected);
  });
});

describe('EvictionLimiter', () => {
  it('admits one node per 1/rate seconds per zone, zones independent, rate 0 never', () => {
    const limiter = new EvictionLimiter();
    expect(limiter.tryAcquire('a', 0.1, 0)).toBe(0);
    expect(limiter.tryAcquire('a', 0.1, 1000)).toBe(9000);
    expect(limiter.tryAcquire('b', 0.1, 1000)).toBe(0);
    expect(limiter.tryAcquire('a', 0.1, 10_000)).toBe(0);
    expect(limiter.tryAcquire('c', 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
