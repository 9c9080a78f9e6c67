import type { PodAffinityTerm } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor, scoreAll } from '../harness.js';

const nodes = [
  makeNode('a1').labels({ zone: 'a' }).obj(),
  makeNode('a2').labels({ zone: 'a' }).obj(),
  makeNode('b1').labels({ zone: 'b' }).obj(),
];
const term = (labels: Record<string, string>, topologyKey = 'zone'): PodAffinityTerm => ({
  labelSelector: { matchLabels: labels },
  topologyKey,
});
const AFFINITY = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

describe('InterPodAffinity filter', () => {
  it.each([
    {
      name: 'required affinity: only the zone with a matching pod',
      pods: [makePod('db').labels({ app: 'db' }).node('a1').obj()],
      pod: makePod('new').podAffinity('podAffinity', term({ app: 'db' })),
      want: { a1: 'Success', a2: 'Success', b1: AFFINITY },
    },
    {
      name: 'required affinity with no match anywhere and no self-match: nowhere',
      pods: [],
      pod: makePod('new').podAffinity('podAffinity', term({ app: 'db' })),
      want: { a1: AFFINITY, a2: AFFINITY, b1: AFFINITY },
    },
    {
      name: 'required affinity to its own group: the first pod may go anywhere',
      pods: [],
      pod: makePod('new')
        .labels({ app: 'db' })
        .podAffinity('podAffinity', term({ app: 'db' })),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'required anti-affinity by zone',
      pods: [makePod('web').labels({ app: 'web' }).node('a1').obj()],
      pod: makePod('new').podAffinity('podAntiAffinity', term({ app: 'web' })),
      want: { a1: ANTI, a2: ANTI, b1: 'Success' },
    },
    {
      name: 'required anti-affinity by hostname',
      pods: [makePod('web').labels({ app: 'web' }).node('a1').obj()],
      pod: makePod('new').podAffinity('podAntiAffinity', term({ app: 'web' }, 'kubernetes.io/hostname')),
      want: { a1: ANTI, a2: 'Success', b1: 'Success' },
    },
    {
      name: "an existing pod's anti-affinity keeps the incoming pod out of its zone",
      pods: [
        makePod('loner')
          .podAffinity('podAntiAffinity', term({ app: 'web' }))
          .node('b1')
          .obj(),
      ],
      pod: makePod('new').labels({ app: 'web' }),
      want: { a1: 'Success', a2: 'Success', b1: EXISTING },
    },
    {
      name: "an existing pod's anti-affinity by hostname keeps the incoming pod off that node only",
      pods: [
        makePod('loner')
          .podAffinity('podAntiAffinity', term({ app: 'web' }, 'kubernetes.io/hostname'))
          .node('a1')
          .obj(),
      ],
      pod: makePod('new').labels({ app: 'web' }),
      want: { a1: EXISTING, a2: 'Success', b1: 'Success' },
    },
    {
      name: 'anti-affinity terms look in the pod namespace only by default',
      pods: [makePod('web', 'other').labels({ app: 'web' }).node('a1').obj()],
      pod: makePod('new').podAffinity('podAntiAffinity', term({ app: 'web' })),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
  ])('$name', ({ pods, pod, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods);
    const statuses = filterAll(fwk, snapshot, pod.obj());
    expect(Object.fromEntries([...statuses].map(([n, s]) => [n, brief(s)]))).toEqual(want);
  });
});

describe('InterPodAffinity score', () => {
  it('adds preferred affinity weights and subtracts anti-affinity weights per zone, scaled min..max to 0..100', () => {
    const pods = [
      makePod('db').labels({ app: 'db' }).node('a1').obj(),
      makePod('web').labels({ app: 'web' }).node('b1').obj(),
    ];
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods);
    const pod = makePod('new')
      .podAffinity('podAffinity', term({ app: 'db' }), 10)
      .podAffinity('podAntiAffinity', term({ app: 'web' }), 5)
      .obj();
    // zone a: +10, zone b: -5 -> (s - min) / (max - min)
    expect(scoreAll(fwk, snapshot, pod)).toEqual({ a1: 100, a2: 100, b1: 0 });
  });

  it("counts existing pods' preferred terms that match the incoming pod", () => {
    const pods = [
      makePod('fan')
        .podAffinity('podAffinity', term({ app: 'star' }), 7)
        .node('b1')
        .obj(),
    ];
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods);
    expect(scoreAll(fwk, snapshot, makePod('new').labels({ app: 'star' }).obj())).toEqual({ a1: 0, a2: 0, b1: 100 });
  });
});
