import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  type Recommendation,
  type ResolvedRules,
  scaleDownLimit,
  scaleUpLimit,
} from '../../src/autoscaler/scaling-behavior.js';

const base = { minReplicas: 1, maxReplicas: 100, up: DEFAULT_SCALE_UP, down: DEFAULT_SCALE_DOWN, events: [] };

describe('scaling policies', () => {
  it.each<[string, number, ResolvedRules, number]>([
    ['default up: max(+4 pods, +100%) from 2', 2, DEFAULT_SCALE_UP, 6],
    ['default up: max(+4 pods, +100%) from 10', 10, DEFAULT_SCALE_UP, 20],
    ['Min picks the smaller', 10, { ...DEFAULT_SCALE_UP, selectPolicy: 'Min' }, 14],
    ['Disabled allows nothing', 10, { ...DEFAULT_SCALE_UP, selectPolicy: 'Disabled' }, 10],
    ['percent rounds up', 3, { ...DEFAULT_SCALE_UP, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }, 4],
  ])('%s', (_, current, rules, limit) => {
    expect(scaleUpLimit(current, [], rules, 0)).toBe(limit);
  });

  it('counts changes made within the period from the replicas at its start', () => {
    // Scaled 2 -> 6 ten seconds ago: the 15 s period started at 2, so the limit is still 6.
    expect(scaleUpLimit(6, [{ at: -10_000, change: 4 }], DEFAULT_SCALE_UP, 0)).toBe(6);
    expect(scaleUpLimit(6, [{ at: -16_000, change: 4 }], DEFAULT_SCALE_UP, 0)).toBe(12);
  });

  const twoDownPolicies: ResolvedRules = {
    ...DEFAULT_SCALE_DOWN,
    policies: [
      { type: 'Pods', value: 2, periodSeconds: 60 },
      { type: 'Percent', value: 50, periodSeconds: 60 },
    ],
  };
  it.each<[string, ResolvedRules, number]>([
    ['down Max takes the larger change: min(10-2, 10*50%)', { ...twoDownPolicies, selectPolicy: 'Max' }, 5],
    ['down Min takes the smaller change', { ...twoDownPolicies, selectPolicy: 'Min' }, 8],
    ['down Disabled allows nothing', { ...twoDownPolicies, selectPolicy: 'Disabled' }, 10],
  ])('%s', (_, rules, limit) => {
    expect(scaleDownLimit(10, [], rules, 0)).toBe(limit);
  });

  it('counts scale-downs made within the period from the replicas at its start', () => {
    // Scaled 10 -> 8 ten seconds ago: the 60 s period started at 10, so 50% still means 5.
    const rules: ResolvedRules = { ...twoDownPolicies, selectPolicy: 'Max' };
    expect(scaleDownLimit(8, [{ at: -10_000, change: -2 }], rules, 0)).toBe(5);
    expect(scaleDownLimit(8, [{ at: -61_000, change: -2 }], rules, 0)).toBe(4);
  });

  it('scale-down percent rounds down; Pods policies subtract', () => {
    const rules: ResolvedRules = {
      ...DEFAULT_SCALE_DOWN,
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    };
    expect(scaleDownLimit(5, [], rules, 0)).toBe(2);
    expect(scaleDownLimit(5, [], { ...rules, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, 0)).toBe(4);
  });
});

describe('applyBehavior', () => {
  it('holds a scale-down at the highest recommendation of the 300 s window', () => {
    const history: Recommendation[] = [];
    expect(applyBehavior({ ...base, now: 0, current: 8, recommended: 8, history }).replicas).toBe(8);
    expect(applyBehavior({ ...base, now: 15_000, current: 8, recommended: 2, history }).replicas).toBe(8);
    expect(applyBehavior({ ...base, now: 299_000, current: 8, recommended: 2, history }).replicas).toBe(8);
    expect(applyBehavior({ ...base, now: 300_001, current: 8, recommended: 2, history }).replicas).toBe(2);
  });

  it('scales up at once (no window) but within the policies, and reports the limit', () => {
    expect(applyBehavior({ ...base, now: 0, current: 2, recommended: 20, history: [] })).toEqual({
      replicas: 6,
      limit: 'ScaleUpLimit',
    });
    expect(applyBehavior({ ...base, maxReplicas: 5, now: 0, current: 2, recommended: 20, history: [] })).toEqual({
      replicas: 5,
      limit: 'TooManyReplicas',
    });
    expect(applyBehavior({ ...base, minReplicas: 3, now: 0, current: 3, recommended: 1, history: [] })).toEqual({
      replicas: 3,
      limit: 'TooFewReplicas',
    });
  });
});
