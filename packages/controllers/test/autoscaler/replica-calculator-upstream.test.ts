import { describe, expect, it } from 'vitest';
import { calculateReplicas, groupPodSamples, type PodSample } from '../../src/autoscaler/replica-calculator.js';

interface Case {
  name: string;
  currentReplicas: number;
  /** Per pod request (millicores); upstream gives each container 1.0 cpu, the ratios are the same. */
  requests: number[];
  /** Per pod usage; fewer levels than pods: the last pods have no sample (missing metrics). */
  levels: number[];
  /** Per pod readiness; default all ready. */
  readiness?: boolean[];
  targetUtilization: number;
  expectedReplicas?: number;
  expectedUtilization?: number;
  expectedError?: RegExp;
}

const ones = (n: number) => Array.from({ length: n }, () => 1000);

// Upstream: kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go, the cpu
// resource cases, as data. Left out: custom/object metrics (unsupported), the cpu initialization
// period ("hot cpu") cases, and metrics for pods that do not exist (samples here are per pod).
const cases: Case[] = [
  {
    name: 'TestReplicaCalcScaleUp',
    currentReplicas: 3,
    requests: ones(3),
    levels: [300, 500, 700],
    targetUtilization: 30,
    expectedReplicas: 5,
    expectedUtilization: 50,
  },
  {
    name: 'TestReplicaCalcScaleUpUnreadyLessScale',
    currentReplicas: 3,
    requests: ones(3),
    levels: [300, 500, 700],
    readiness: [false, true, true],
    targetUtilization: 30,
    expectedReplicas: 4,
    expectedUtilization: 60,
  },
  {
    name: 'TestReplicaCalcScaleUpUnreadyNoScale',
    currentReplicas: 3,
    requests: ones(3),
    levels: [400, 500, 700],
    readiness: [true, false, false],
    targetUtilization: 30,
    expectedReplicas: 3,
    expectedUtilization: 40,
  },
  {
    name: 'TestReplicaCalcScaleDown',
    currentReplicas: 5,
    requests: ones(5),
    levels: [100, 300, 500, 250, 250],
    targetUtilization: 50,
    expectedReplicas: 3,
    expectedUtilization: 28,
  },
  {
    name: 'TestReplicaCalcScaleDownIgnoresUnreadyPods',
    currentReplicas: 5,
    requests: ones(5),
    levels: [100, 300, 500, 250, 250],
    readiness: [true, true, true, false, false],
    targetUtilization: 50,
    expectedReplicas: 2,
    expectedUtilization: 30,
  },
  {
    name: 'TestReplicaCalcTolerance',
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [1010, 1030, 1020],
    targetUtilization: 100,
    expectedReplicas: 3,
    expectedUtilization: 102,
  },
  {
    name: 'TestReplicaCalcSuperfluousMetrics (metrics of known pods)',
    currentReplicas: 4,
    requests: ones(4),
    levels: [4000, 9500, 3000, 7000],
    targetUtilization: 100,
    expectedReplicas: 24,
    expectedUtilization: 587,
  },
  {
    name: 'TestReplicaCalcMissingMetrics',
    currentReplicas: 4,
    requests: ones(4),
    levels: [400, 95],
    targetUtilization: 100,
    expectedReplicas: 3,
    expectedUtilization: 24,
  },
  {
    name: 'TestReplicaCalcEmptyCPURequest',
    currentReplicas: 1,
    requests: [0],
    levels: [200],
    targetUtilization: 100,
    expectedError: /missing request for/,
  },
  {
    name: 'TestReplicaCalcMissingMetricsNoChangeEq',
    currentReplicas: 2,
    requests: ones(2),
    levels: [1000],
    targetUtilization: 100,
    expectedReplicas: 2,
    expectedUtilization: 100,
  },
  {
    name: 'TestReplicaCalcMissingMetricsNoChangeGt',
    currentReplicas: 2,
    requests: ones(2),
    levels: [1900],
    targetUtilization: 100,
    expectedReplicas: 2,
    expectedUtilization: 190,
  },
  {
    name: 'TestReplicaCalcMissingMetricsNoChangeLt',
    currentReplicas: 2,
    requests: ones(2),
    levels: [600],
    targetUtilization: 100,
    expectedReplicas: 2,
    expectedUtilization: 60,
  },
  {
    name: 'TestReplicaCalcMissingMetricsUnreadyNoChange',
    currentReplicas: 3,
    requests: ones(3),
    levels: [100, 450],
    readiness: [false, true, true],
    targetUtilization: 50,
    expectedReplicas: 3,
    expectedUtilization: 45,
  },
  {
    name: 'TestReplicaCalcMissingMetricsUnreadyScaleUp',
    currentReplicas: 3,
    requests: ones(3),
    levels: [100, 2000],
    readiness: [false, true, true],
    targetUtilization: 50,
    expectedReplicas: 4,
    expectedUtilization: 200,
  },
  {
    name: 'TestReplicaCalcMissingMetricsUnreadyScaleDown',
    currentReplicas: 4,
    requests: ones(4),
    levels: [100, 100, 100],
    readiness: [false, true, true, true],
    targetUtilization: 50,
    expectedReplicas: 3,
    expectedUtilization: 10,
  },
];

const samplesOf = (c: Case): PodSample[] =>
  c.requests.map((request, i) => ({ name: `pod-${i}`, request, usage: c.levels[i], ready: c.readiness?.[i] ?? true }));

describe('calculateReplicas (upstream replica_calculator_test.go)', () => {
  it.each(cases)('$name', (c) => {
    const run = () => calculateReplicas(c.currentReplicas, samplesOf(c), { utilization: c.targetUtilization });
    if (c.expectedError) {
      expect(run).toThrow(c.expectedError);
      return;
    }
    expect(run()).toMatchObject({ replicas: c.expectedReplicas, utilization: c.expectedUtilization });
  });
});

// Kubernetes' groupPods: pending first, then missing samples (ready or not), then readiness.
describe('groupPodSamples', () => {
  it('groups pending, missing, unready and ready pods as Kubernetes does', () => {
    const g = groupPodSamples([
      { name: 'pending', pending: true, ready: false, usage: 5 },
      { name: 'no-sample-unready', ready: false },
      { name: 'no-sample', ready: true },
      { name: 'unready', ready: false, usage: 7 },
      { name: 'ready', ready: true, usage: 9 },
    ]);
    expect([...g.ready]).toEqual([['ready', 9]]);
    expect(g.unready.map((p) => p.name)).toEqual(['pending', 'unready']);
    expect(g.missing.map((p) => p.name)).toEqual(['no-sample-unready', 'no-sample']);
  });
});
