import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { frameworkFor, scoreAll } from '../harness.js';

describe('NodeResourcesBalancedAllocation', () => {
  const nodes = [makeNode('n').capacity({ cpu: '4', memory: '8Gi', pods: 110 }).obj()];

  it.each([
    { name: 'equal fractions score 100', req: { cpu: '1', memory: '2Gi' }, want: 100 },
    // fractions 0.25 and 0.5: std = 0.125 -> 87.5
    { name: 'unequal fractions lose (1 - std) * 100', req: { cpu: '1', memory: '4Gi' }, want: 87 },
    // fractions capped at 1: 1 and 0.25 -> std 0.375
    { name: 'fractions are capped at 1', req: { cpu: '5', memory: '2Gi' }, want: 62 },
  ])('$name', ({ req, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesBalancedAllocation' }], nodes);
    expect(scoreAll(fwk, snapshot, makePod('p').req(req).obj())).toEqual({ n: want });
  });

  it('is skipped for pods that request nothing', () => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesBalancedAllocation' }], nodes);
    expect(scoreAll(fwk, snapshot, makePod('p').obj())).toEqual({ n: 0 });
  });
});
