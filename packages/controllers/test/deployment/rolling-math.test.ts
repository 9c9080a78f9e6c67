import { describe, expect, it } from 'vitest';
import { proportionalTargets } from '../../src/deployment/proportional-scaling.js';
import {
  maxUnavailableOf,
  newReplicaSetTarget,
  oldReplicaSetTargets,
  type ReplicaSetCounts,
  resolveFenceposts,
} from '../../src/deployment/rolling-math.js';
import { testDeployment } from '../support/builders.js';

const rs = (name: string, replicas: number, available: number, created: number): ReplicaSetCounts => ({
  name,
  replicas,
  available,
  created,
});

describe('resolveFenceposts', () => {
  it.each([
    [10, undefined, undefined, 3, 2],
    [4, undefined, undefined, 1, 1],
    [1, undefined, undefined, 1, 0],
    [10, 0, 0, 0, 1],
    [10, '50%', '10%', 5, 1],
    [3, '34%', '34%', 2, 1],
    [5, 2, 0, 2, 0],
  ])('replicas %i surge %s unavailable %s -> %i / %i', (replicas, surge, unavailable, eSurge, eUnavail) => {
    const d = testDeployment('web', replicas, { maxSurge: surge, maxUnavailable: unavailable });
    expect(resolveFenceposts(d)).toEqual({ maxSurge: eSurge, maxUnavailable: eUnavail });
  });

  it('rejects a malformed percentage naming the field', () => {
    const d = testDeployment('web', 3, { maxSurge: 'lots' });
    expect(() => resolveFenceposts(d)).toThrow(/spec\.strategy\.rollingUpdate\.maxSurge/);
  });

  it('caps maxUnavailable at replicas and is 0 for Recreate', () => {
    expect(maxUnavailableOf(testDeployment('web', 2, { maxUnavailable: 5 }))).toBe(2);
    const recreate = testDeployment('web', 5);
    recreate.spec.strategy = { type: 'Recreate' };
    expect(maxUnavailableOf(recreate)).toBe(0);
  });
});

describe('new ReplicaSet target (NewRSNewReplicas)', () => {
  it.each([
    ['fresh rollout of 10 with surge 3', 10, 3, [rs('old', 10, 10, 1)], 0, 3],
    ['total already at the ceiling', 10, 3, [rs('old', 10, 10, 1), rs('new', 3, 0, 2)], 3, 3],
    ['old scaled down leaves room', 10, 3, [rs('old', 7, 7, 1), rs('new', 3, 3, 2)], 3, 6],
    ['never beyond replicas', 10, 3, [rs('old', 0, 0, 1), rs('new', 9, 9, 2)], 9, 10],
  ])('%s', (_case, replicas, surge, sets, current, expected) => {
    const d = testDeployment('web', replicas, { maxSurge: surge, maxUnavailable: 0 });
    expect(newReplicaSetTarget(d, sets, current)).toBe(expected);
  });
});

describe('old ReplicaSet targets (reconcileOldReplicaSets)', () => {
  it('scales old down only by what availability allows', () => {
    const d = testDeployment('web', 10, { maxSurge: 3, maxUnavailable: 2 });
    // 10 old available, new 3 with 0 available: min available 8 -> old can lose 2.
    expect(oldReplicaSetTargets(d, [rs('old', 10, 10, 1)], rs('new', 3, 0, 2))).toEqual(new Map([['old', 8]]));
  });

  it('removes unhealthy old replicas first, oldest set first', () => {
    const d = testDeployment('web', 10, { maxSurge: 0, maxUnavailable: 1 });
    const olds = [rs('older', 4, 2, 1), rs('newer-old', 6, 6, 2)];
    const targets = oldReplicaSetTargets(d, olds, rs('new', 0, 0, 3));
    // cleanup takes the 2 unavailable of "older" (room 10-9-0=1 -> only 1), then available 8 <= 9: stop.
    expect(targets).toEqual(new Map([['older', 3]]));
  });

  it('does nothing while new pods are unavailable and the budget is spent', () => {
    const d = testDeployment('web', 4, { maxSurge: 1, maxUnavailable: 0 });
    expect(oldReplicaSetTargets(d, [rs('old', 4, 4, 1)], rs('new', 1, 0, 2)).size).toBe(0);
  });

  it('never plans below replicas - maxUnavailable available', () => {
    for (let avail = 0; avail <= 5; avail++) {
      const d = testDeployment('web', 5, { maxSurge: 2, maxUnavailable: 1 });
      const targets = oldReplicaSetTargets(d, [rs('old', 5, 5, 1)], rs('new', 2, Math.min(avail, 2), 2));
      const oldAfter = targets.get('old') ?? 5;
      expect(oldAfter + Math.min(avail, 2)).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('proportional scaling', () => {
  it('spreads a scale-up over old and new sets by size', () => {
    // Mid-rollout of 10 (surge 3): old 8, new 5 (sum 13). Scaled to 20 -> allowed 20 + 3 = 23, so +10.
    const d = testDeployment('web', 20, { maxSurge: 3, maxUnavailable: 2 });
    const sizes = proportionalTargets(
      d,
      [
        { ...rs('old', 8, 8, 1), maxReplicasAnnotation: 13 },
        { ...rs('new', 5, 0, 2), maxReplicasAnnotation: 13 },
      ],
      13,
    );
    expect((sizes.get('old') ?? 0) + (sizes.get('new') ?? 0)).toBe(23);
    expect(sizes.get('old')).toBeGreaterThan(8);
    expect(sizes.get('new')).toBeGreaterThan(5);
  });

  it('scales everything to zero when replicas is 0', () => {
    const d = testDeployment('web', 0);
    const sizes = proportionalTargets(d, [rs('old', 3, 3, 1), rs('new', 2, 2, 2)], 5);
    expect(sizes).toEqual(
      new Map([
        ['old', 0],
        ['new', 0],
      ]),
    );
  });
});
