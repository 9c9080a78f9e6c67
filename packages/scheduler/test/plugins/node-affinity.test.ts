import type { NodeSelectorRequirement } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor, scoreAll } from '../harness.js';

const node = makeNode('n').labels({ zone: 'a', disk: 'ssd', cores: '8' }).obj();
const MISMATCH = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";

describe('NodeAffinity filter', () => {
  it.each<{ name: string; req: NodeSelectorRequirement[][]; want: string }>([
    { name: 'In matches', req: [[{ key: 'zone', operator: 'In', values: ['a', 'b'] }]], want: 'Success' },
    { name: 'In misses', req: [[{ key: 'zone', operator: 'In', values: ['b'] }]], want: MISMATCH },
    { name: 'NotIn', req: [[{ key: 'zone', operator: 'NotIn', values: ['b'] }]], want: 'Success' },
    { name: 'Exists', req: [[{ key: 'disk', operator: 'Exists' }]], want: 'Success' },
    { name: 'DoesNotExist', req: [[{ key: 'disk', operator: 'DoesNotExist' }]], want: MISMATCH },
    { name: 'Gt', req: [[{ key: 'cores', operator: 'Gt', values: ['4'] }]], want: 'Success' },
    { name: 'Lt', req: [[{ key: 'cores', operator: 'Lt', values: ['4'] }]], want: MISMATCH },
    {
      name: 'expressions of a term are ANDed',
      req: [
        [
          { key: 'zone', operator: 'In', values: ['a'] },
          { key: 'disk', operator: 'In', values: ['hdd'] },
        ],
      ],
      want: MISMATCH,
    },
    {
      name: 'terms are ORed',
      req: [[{ key: 'zone', operator: 'In', values: ['x'] }], [{ key: 'disk', operator: 'In', values: ['ssd'] }]],
      want: 'Success',
    },
  ])('$name', ({ req, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity' }], [node]);
    expect(
      brief(
        filterAll(
          fwk,
          snapshot,
          makePod('p')
            .requiredNodeAffinity(...req)
            .obj(),
        ).get('n'),
      ),
    ).toBe(want);
  });

  it.each<{ sel: Record<string, string>; want: string }>([
    { sel: { zone: 'a' }, want: 'Success' },
    { sel: { zone: 'a', disk: 'hdd' }, want: MISMATCH },
  ])('nodeSelector $sel', ({ sel, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity' }], [node]);
    expect(brief(filterAll(fwk, snapshot, makePod('p').nodeSelector(sel).obj()).get('n'))).toBe(want);
  });

  it('narrows the node set to nodes pinned by metadata.name', () => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity' }], [makeNode('a').obj(), makeNode('b').obj()]);
    const pod = makePod('p').obj();
    pod.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }],
        },
      },
    };
    const statuses = filterAll(fwk, snapshot, pod);
    expect(brief(statuses.get('a'))).toBe(MISMATCH);
    expect(brief(statuses.get('b'))).toBe('Success');
  });
});

describe('NodeAffinity score', () => {
  it('sums matching preferred weights, normalized to 100 for the best node', () => {
    const nodes = [
      makeNode('both').labels({ zone: 'a', disk: 'ssd' }).obj(),
      makeNode('zone').labels({ zone: 'a' }).obj(),
      makeNode('none').obj(),
    ];
    const pod = makePod('p')
      .preferredNodeAffinity(80, [{ key: 'zone', operator: 'In', values: ['a'] }])
      .preferredNodeAffinity(20, [{ key: 'disk', operator: 'In', values: ['ssd'] }])
      .obj();
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity', weight: 2 }], nodes);
    expect(scoreAll(fwk, snapshot, pod)).toEqual({ both: 200, zone: 160, none: 0 });
  });
});
