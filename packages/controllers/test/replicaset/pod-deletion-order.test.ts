import { describe, expect, it } from 'vitest';
import { podsToDelete } from '../../src/replicaset/pod-deletion-order.js';
import { testPod } from '../support/builders.js';

const ready = '2026-01-01T00:01:00Z';

describe('scale-down deletion order (Kubernetes ActivePodsWithRanks)', () => {
  it.each([
    ['unassigned before assigned', testPod('a', { node: 'n1', readySince: ready }), testPod('b', { phase: 'Pending' })],
    [
      'Pending before Running',
      testPod('a', { node: 'n1', phase: 'Running' }),
      testPod('b', { node: 'n1', phase: 'Pending' }),
    ],
    [
      'Unknown before Running',
      testPod('a', { node: 'n1', phase: 'Running' }),
      testPod('b', { node: 'n1', phase: 'Unknown' }),
    ],
    [
      'Pending before Unknown',
      testPod('a', { node: 'n1', phase: 'Unknown' }),
      testPod('b', { node: 'n1', phase: 'Pending' }),
    ],
    ['not ready before ready', testPod('a', { node: 'n1', readySince: ready }), testPod('b', { node: 'n1' })],
    [
      'lower deletion cost first',
      testPod('a', { node: 'n1', readySince: ready, cost: 10 }),
      testPod('b', { node: 'n2', readySince: ready, cost: -5 }),
    ],
    [
      'ready more recently first',
      testPod('a', { node: 'n1', readySince: '2026-01-01T00:00:10Z' }),
      testPod('b', { node: 'n2', readySince: '2026-01-01T00:05:00Z' }),
    ],
    [
      'more restarts first',
      testPod('a', { node: 'n1', readySince: ready, restarts: 1 }),
      testPod('b', { node: 'n2', readySince: ready, restarts: 4 }),
    ],
    [
      'newer first',
      testPod('a', { node: 'n1', readySince: ready, created: '2026-01-01T00:00:00Z' }),
      testPod('b', { node: 'n2', readySince: ready, created: '2026-01-01T00:00:30Z' }),
    ],
  ])('%s: deletes b, keeps a', (_rule, keep, remove) => {
    expect(podsToDelete([keep, remove], 1).map((p) => p.metadata.name)).toEqual(['b']);
    expect(podsToDelete([remove, keep], 1).map((p) => p.metadata.name)).toEqual(['b']);
  });

  it('prefers pods on nodes crowded with siblings', () => {
    const pods = [
      testPod('alone', { node: 'n1', readySince: ready }),
      testPod('crowd-1', { node: 'n2', readySince: ready }),
      testPod('crowd-2', { node: 'n2', readySince: ready }),
    ];
    const victim = podsToDelete(pods, 1)[0].metadata.name;
    expect(victim).toMatch(/^crowd-/);
  });

  it('returns nothing for count 0 and everything when count covers all', () => {
    const pods = [testPod('a'), testPod('b')];
    expect(podsToDelete(pods, 0)).toEqual([]);
    expect(podsToDelete(pods, 5)).toHaveLength(2);
  });
});
