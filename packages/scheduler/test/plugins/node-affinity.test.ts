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
    // kube-scheduler drops a term labels.NewRequirement cannot parse: the node does not match.
    {
      name: 'NotIn with an invalid value',
      req: [[{ key: 'zone', operator: 'NotIn', values: ['b c'] }]],
      want: MISMATCH,
    },
    { name: 'In with an invalid value', req: [[{ key: 'zone', operator: 'In', values: ['a', '!'] }]], want: MISMATCH },
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

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go
// (the addedAffinity cases of TestNodeAffinity), as data.
describe('NodeAffinity addedAffinity (profile args)', () => {
  const ENFORCED = "UnschedulableAndUnresolvable: node(s) didn't match scheduler-enforced node affinity";
  const added = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['foo'] }] }],
    },
  };
  it.each<{ name: string; labels: Record<string, string>; pod: ReturnType<typeof makePod>; want: string }>([
    { name: 'node matches the added affinity', labels: { zone: 'foo' }, pod: makePod('p'), want: 'Success' },
    { name: 'node misses the added affinity', labels: { zone: 'bar' }, pod: makePod('p'), want: ENFORCED },
    {
      name: 'node matches the added affinity but not the pod selector',
      labels: { zone: 'foo' },
      pod: makePod('p').nodeSelector({ disk: 'ssd' }),
      want: MISMATCH,
    },
    {
      name: 'node matches both',
      labels: { zone: 'foo', disk: 'ssd' },
      pod: makePod('p').nodeSelector({ disk: 'ssd' }),
      want: 'Success',
    },
  ])('$name', ({ labels, pod, want }) => {
    const n = makeNode('n').labels(labels).obj();
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity', args: { addedAffinity: added } }], [n]);
    expect(brief(filterAll(fwk, snapshot, pod.obj()).get('n'))).toBe(want);
  });

  it("adds the preferred terms to every pod's score", () => {
    const nodes = [makeNode('a').labels({ zone: 'foo' }).obj(), makeNode('b').labels({ zone: 'bar' }).obj()];
    const args = {
      addedAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['foo'] }] } },
        ],
      },
    };
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeAffinity', args }], nodes);
    expect(scoreAll(fwk, snapshot, makePod('p').obj())).toEqual({ a: 100, b: 0 });
  });

  it('refuses invalid added affinity with the field path', () => {
    const args = {
      addedAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' as const, values: ['x'] }] }],
        },
      },
    };
    expect(() => frameworkFor([{ name: 'NodeAffinity', args }], [])).toThrow(
      /plugins\[0\]\.args\.addedAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpressions\[0\]/,
    );
  });
});
