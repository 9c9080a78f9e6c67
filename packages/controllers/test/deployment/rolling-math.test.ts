import type { IntOrString } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { proportionalTargets } from '../../src/deployment/proportional-scaling.js';
import {
  deploymentFenceposts,
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

// Upstream: kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go (TestResolveFenceposts),
// as data: [maxSurge, maxUnavailable, desired, surge, unavailable, error]; an absent value is 0.
const fenceposts: [IntOrString | undefined, IntOrString | undefined, number, number, number, boolean][] = [
  ['0%', '0%', 0, 0, 1, false],
  ['39%', '39%', 10, 4, 3, false],
  ['oops', '39%', 10, 0, 0, true],
  ['55%', 'urg', 10, 0, 0, true],
  [undefined, '39%', 10, 0, 3, false],
  ['39%', undefined, 10, 4, 0, false],
  [undefined, undefined, 10, 0, 1, false],
];

describe('resolveFenceposts (upstream table)', () => {
  it.each(
    fenceposts,
  )('surge %j unavailable %j of %i -> %i / %i (error %s)', (surge, unavailable, desired, s, u, error) => {
    if (error) expect(() => resolveFenceposts(surge, unavailable, desired)).toThrow(/spec\.strategy\.rollingUpdate/);
    else expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ maxSurge: s, maxUnavailable: u });
  });
});

describe('deploymentFenceposts', () => {
  it.each([
    [10, '25%', '25%', 3, 2],
    [4, '25%', '25%', 1, 1],
    [1, '25%', '25%', 1, 0],
    [10, undefined, undefined, 0, 1],
    [10, 0, 0, 0, 1],
    [10, '50%', '10%', 5, 1],
    [3, '34%', '34%', 2, 1],
    [5, 2, 0, 2, 0],
  ])('replicas %i surge %s unavailable %s -> %i / %i', (replicas, surge, unavailable, eSurge, eUnavail) => {
    const d = testDeployment('web', replicas, { maxSurge: surge, maxUnavailable: unavailable });
    expect(deploymentFenceposts(d)).toEqual({ maxSurge: eSurge, maxUnavailable: eUnavail });
  });

  it('rejects a malformed percentage naming the field', () => {
    const d = testDeployment('web', 3, { maxSurge: 'lots' });
    expect(() => deploymentFenceposts(d)).toThrow(/spec\.strategy\.rollingUpdate\.maxSurge/);
  });

  it('caps maxUnavailable at replicas and is 0 for Recreate', () => {
    expect(maxUnavailableOf(testDeployment('web', 2, { maxUnavailable: 5 }))).toBe(2);
    const recreate = testDeployment('web', 5);
    recreate.spec.strategy = { type: 'Recreate' };
    expect(maxUnavailableOf(recreate)).toBe(0);
  });
});

// Upstream: deployment_util_test.go (TestMaxUnavailable), as data: [replicas, maxUnavailable, expected] with maxSurge 1.
describe('maxUnavailableOf (upstream table)', () => {
  it.each<[number, IntOrString, number]>([
    [10, 5, 5],
    [10, 10, 10],
    [5, 10, 5],
    [0, 10, 0],
    [10, '50%', 5],
    [10, '100%', 10],
    [5, '100%', 5],
  ])('replicas %i, maxUnavailable %j -> %i', (replicas, maxUnavailable, expected) => {
    expect(maxUnavailableOf(testDeployment('web', replicas, { maxSurge: 1, maxUnavailable }))).toBe(expected);
  });
});

// Upstream: deployment_util_test.go (TestNewRSNewReplicas), as data: the other set holds 5 replicas.
describe('newReplicaSetTarget (upstream TestNewRSNewReplicas)', () => {
  it.each<[string, 'RollingUpdate' | 'Recreate', number, number, number, number]>([
    ['can not scale up - to newRSReplicas', 'RollingUpdate', 1, 5, 1, 5],
    ['scale up - to depReplicas', 'RollingUpdate', 6, 2, 10, 6],
    ['recreate - to depReplicas', 'Recreate', 3, 1, 1, 3],
  ])('%s', (_name, type, depReplicas, newRSReplicas, maxSurge, expected) => {
    const d = testDeployment('web', depReplicas, { maxSurge, maxUnavailable: 1 });
    d.spec.strategy = { ...d.spec.strategy, type };
    expect(newReplicaSetTarget(d, [rs('rs5', 5, 5, 1)], newRSReplicas)).toBe(expected);
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
