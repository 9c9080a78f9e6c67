import type { TopologySpreadConstraint } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor, scoreAll } from '../harness.js';

const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING =
  "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

const zoneNodes = [
  makeNode('a1').labels({ zone: 'a' }).obj(),
  makeNode('a2').labels({ zone: 'a' }).obj(),
  makeNode('b1').labels({ zone: 'b' }).obj(),
  makeNode('c1').labels({ zone: 'c' }).obj(),
  makeNode('nolabel').obj(),
];
const web = (name: string, node: string) => makePod(name).labels({ app: 'web' }).node(node).obj();
const constraint = (c: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...c,
});

describe('PodTopologySpread filter', () => {
  it.each([
    {
      name: 'a: 2, b: 1, c: 0 with maxSkew 1: only c fits',
      pods: [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')],
      c: constraint(),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: 'Success', nolabel: MISSING },
    },
    {
      name: 'maxSkew 2 lets b take one more',
      pods: [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')],
      c: constraint({ maxSkew: 2 }),
      want: { a1: SKEW, a2: SKEW, b1: 'Success', c1: 'Success', nolabel: MISSING },
    },
    {
      name: 'pods in other namespaces or not matching do not count',
      pods: [
        makePod('x', 'other').labels({ app: 'web' }).node('a1').obj(),
        makePod('y').labels({ app: 'db' }).node('a1').obj(),
      ],
      c: constraint(),
      want: { a1: 'Success', a2: 'Success', b1: 'Success', c1: 'Success', nolabel: MISSING },
    },
    {
      name: 'minDomains above the domain count makes the global minimum 0',
      pods: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')],
      c: constraint({ minDomains: 4 }),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: SKEW, nolabel: MISSING },
    },
    {
      name: 'terminating pods do not count',
      pods: [
        { ...web('w1', 'a1'), metadata: { ...web('w1', 'a1').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
      ],
      c: constraint({ maxSkew: 1 }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success', c1: 'Success', nolabel: MISSING },
    },
  ])('$name', ({ pods, c, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'PodTopologySpread' }], zoneNodes, pods);
    const statuses = filterAll(fwk, snapshot, makePod('new').labels({ app: 'web' }).spread(c).obj());
    expect(Object.fromEntries([...statuses].map(([n, s]) => [n, brief(s)]))).toEqual(want);
  });

  it('honours node affinity when counting domains (nodeAffinityPolicy Honor)', () => {
    // Zone c is excluded by the pod's node selector, so its 0 does not pin the minimum.
    const { fwk, snapshot } = frameworkFor([{ name: 'PodTopologySpread' }], zoneNodes, [
      web('w1', 'a1'),
      web('w2', 'b1'),
    ]);
    const pod = makePod('new').labels({ app: 'web' }).spread(constraint()).obj();
    pod.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
    };
    expect(brief(filterAll(fwk, snapshot, pod).get('a2'))).toBe('Success');
  });
});

describe('PodTopologySpread score', () => {
  it('prefers domains with fewer matching pods (ScheduleAnyway)', () => {
    const { fwk, snapshot } = frameworkFor([{ name: 'PodTopologySpread', weight: 2 }], zoneNodes.slice(0, 4), [
      web('w1', 'a1'),
      web('w2', 'a2'),
      web('w3', 'b1'),
    ]);
    const pod = makePod('new')
      .labels({ app: 'web' })
      .spread(constraint({ whenUnsatisfiable: 'ScheduleAnyway' }))
      .obj();
    // 3 domains: weight log(5); raw a = round(2 * 1.609) = 3, b = 2, c = 0; normalized 100 * (3 + 0 - s) / 3.
    expect(scoreAll(fwk, snapshot, pod)).toEqual({ a1: 0, a2: 0, b1: 66, c1: 200 });
  });
});
