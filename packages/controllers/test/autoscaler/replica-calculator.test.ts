import { describe, expect, it } from 'vitest';
import { calculateReplicas, type PodSample } from '../../src/autoscaler/replica-calculator.js';

const pod = (name: string, usage: number | undefined, ready = true): PodSample => ({
  name,
  usage,
  ready,
  request: 100,
});
const cpu50 = { utilization: 50 };

describe('calculateReplicas (Kubernetes GetResourceReplicas)', () => {
  it.each<[string, number, PodSample[], number]>([
    ['at target: keep', 2, [pod('a', 50), pod('b', 50)], 2],
    ['within 10% tolerance: keep', 2, [pod('a', 54), pod('b', 54)], 2],
    ['just outside tolerance: scale', 2, [pod('a', 56), pod('b', 56)], 3],
    ['double the target: double', 3, [pod('a', 100), pod('b', 100), pod('c', 100)], 6],
    ['half the target: half the pods', 4, [pod('a', 30), pod('b', 30), pod('c', 20), pod('d', 20)], 2],
    [
      'a quarter of the target: a quarter of the pods (rounded up)',
      8,
      Array.from({ length: 8 }, (_, i) => pod(`p${i}`, 12.5)),
      2,
    ],
    // Missing metrics: on a scale-down assumed at 100% of request, which here flips the direction: keep.
    ['missing metric on scale-down can cancel it', 3, [pod('a', 20), pod('b', 20), pod('c', undefined)], 3],
    // On a scale-up assumed 0: ratio (200+200+0)/300*100 = 133% of 50% -> ceil(2.67 * 3) = 8.
    ['missing metric on scale-up counts 0', 3, [pod('a', 200), pod('b', 200), pod('c', undefined)], 8],
    // Unready pods count 0 on a scale-up: (150+0)/200 -> 75% of request / 50% target = 1.5 -> ceil(1.5*2) = 3.
    ['unready pods count 0 on a scale-up', 2, [pod('a', 150), pod('b', 0, false)], 3],
    // ...and are ignored on a scale-down.
    ['unready pods are ignored on a scale-down', 3, [pod('a', 10), pod('b', 10), pod('c', 500, false)], 1],
  ])('%s', (_, current, pods, expected) => {
    expect(calculateReplicas(current, pods, cpu50).replicas).toBe(expected);
  });

  it('reports the current utilization and average value', () => {
    expect(calculateReplicas(2, [pod('a', 60), pod('b', 80)], cpu50)).toEqual({
      replicas: 3,
      utilization: 70,
      averageValue: 70,
    });
  });

  it('supports average value targets', () => {
    expect(calculateReplicas(2, [pod('a', 300), pod('b', 300)], { averageValue: 200 }).replicas).toBe(3);
  });

  it('refuses utilization targets on pods without requests, and no ready pod at all', () => {
    expect(() => calculateReplicas(1, [{ name: 'a', ready: true, usage: 5 }], cpu50)).toThrow(/missing request/);
    expect(() => calculateReplicas(1, [pod('a', 5, false)], cpu50)).toThrow(/no pod is ready/);
  });
});
