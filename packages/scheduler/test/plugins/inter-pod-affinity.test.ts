import type { LabelSelector, PodAffinityTerm } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { makeNamespace, makeNode, makePod } from '../builders.js';
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

describe('InterPodAffinity across namespaces selected by label', () => {
  const namespaces = [
    makeNamespace('default'),
    makeNamespace('prod', { env: 'prod' }),
    makeNamespace('prod2', { env: 'prod' }),
    makeNamespace('dev', { env: 'dev' }),
  ];
  const inNs = (namespaceSelector: LabelSelector, topologyKey = 'zone', namespaces?: string[]): PodAffinityTerm => ({
    ...term({ app: 'web' }, topologyKey),
    namespaceSelector,
    namespaces,
  });
  const prod = { matchLabels: { env: 'prod' } };
  const web = (name: string, ns: string, node: string) => makePod(name, ns).labels({ app: 'web' }).node(node).obj();

  it.each([
    {
      name: 'required anti-affinity: a matching pod in a namespace with the label keeps the zone out',
      pods: [web('w', 'prod2', 'a1')],
      pod: makePod('new').podAffinity('podAntiAffinity', inNs(prod)),
      want: { a1: ANTI, a2: ANTI, b1: 'Success' },
    },
    {
      name: 'required anti-affinity: a matching pod in a namespace without the label does not count',
      pods: [web('w', 'dev', 'a1')],
      pod: makePod('new').podAffinity('podAntiAffinity', inNs(prod)),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'required anti-affinity: not even in its own namespace when the selector does not select it',
      pods: [web('w', 'default', 'a1')],
      pod: makePod('new').podAffinity('podAntiAffinity', inNs(prod)),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'required anti-affinity: namespaces and namespaceSelector together',
      pods: [web('w1', 'prod', 'a1'), web('w2', 'dev', 'b1')],
      pod: makePod('new').podAffinity('podAntiAffinity', inNs(prod, 'zone', ['dev'])),
      want: { a1: ANTI, a2: ANTI, b1: ANTI },
    },
    {
      name: 'required anti-affinity: matchExpressions by hostname',
      pods: [web('w', 'dev', 'a2')],
      pod: makePod('new').podAffinity(
        'podAntiAffinity',
        inNs({ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'qa'] }] }, 'kubernetes.io/hostname'),
      ),
      want: { a1: 'Success', a2: ANTI, b1: 'Success' },
    },
    {
      name: 'required anti-affinity: the empty selector means every namespace',
      pods: [web('w', 'dev', 'b1')],
      pod: makePod('new').podAffinity('podAntiAffinity', inNs({})),
      want: { a1: 'Success', a2: 'Success', b1: ANTI },
    },
    {
      name: "an existing pod's anti-affinity selects the incoming pod's namespace by its label",
      pods: [makePod('loner', 'dev').podAffinity('podAntiAffinity', inNs(prod)).node('b1').obj()],
      pod: makePod('new', 'prod').labels({ app: 'web' }),
      want: { a1: 'Success', a2: 'Success', b1: EXISTING },
    },
    {
      name: "an existing pod's anti-affinity by hostname selects the incoming pod's namespace by its label",
      pods: [
        makePod('loner', 'dev').podAffinity('podAntiAffinity', inNs(prod, 'kubernetes.io/hostname')).node('a1').obj(),
      ],
      pod: makePod('new', 'prod2').labels({ app: 'web' }),
      want: { a1: EXISTING, a2: 'Success', b1: 'Success' },
    },
    {
      name: "an existing pod's anti-affinity ignores an incoming pod in a namespace it does not select",
      pods: [makePod('loner', 'prod').podAffinity('podAntiAffinity', inNs(prod)).node('b1').obj()],
      pod: makePod('new', 'dev').labels({ app: 'web' }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'required affinity: to pods in namespaces selected by label',
      pods: [web('w', 'prod', 'a1'), web('w2', 'dev', 'b1')],
      pod: makePod('new').podAffinity('podAffinity', inNs(prod)),
      want: { a1: 'Success', a2: 'Success', b1: AFFINITY },
    },
  ])('$name', ({ pods, pod, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods, namespaces);
    const statuses = filterAll(fwk, snapshot, pod.obj());
    expect(Object.fromEntries([...statuses].map(([n, s]) => [n, brief(s)]))).toEqual(want);
  });

  it('preemption removing the pod in a selected namespace frees its zone; adding it back closes it again', () => {
    const victim = web('w', 'prod', 'a1');
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, [victim], namespaces);
    const pod = new PodInfo(makePod('new').podAffinity('podAntiAffinity', inNs(prod)).obj());
    const state = new CycleState();
    fwk.runPreFilterPlugins(state, pod, snapshot.nodeInfoList);
    const a2 = snapshot.get('a2')!;
    expect(brief(fwk.runFilterPlugins(state, pod, a2))).toBe(ANTI);
    const removed = new PodInfo(victim);
    fwk.runPreFilterExtensionRemovePod(state, pod, removed, snapshot.get('a1')!);
    expect(brief(fwk.runFilterPlugins(state, pod, a2))).toBe('Success');
    fwk.runPreFilterExtensionAddPod(state, pod, removed, snapshot.get('a1')!);
    expect(brief(fwk.runFilterPlugins(state, pod, a2))).toBe(ANTI);
  });

  it('scores preferred terms against pods in the namespaces their selector picks', () => {
    const pods = [web('w1', 'prod', 'a1'), web('w2', 'dev', 'b1')];
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods, namespaces);
    const pod = makePod('new').podAffinity('podAntiAffinity', inNs(prod), 5).obj();
    // Only w1 (prod) counts: zone a gets -5, zone b 0.
    expect(scoreAll(fwk, snapshot, pod)).toEqual({ a1: 0, a2: 0, b1: 100 });
  });

  it("scores an existing pod's preferred term that selects the incoming pod's namespace by label", () => {
    const pods = [makePod('fan', 'dev').podAffinity('podAffinity', inNs(prod), 7).node('b1').obj()];
    const { fwk, snapshot } = frameworkFor([{ name: 'InterPodAffinity' }], nodes, pods, namespaces);
    const incoming = (ns: string) => makePod('new', ns).labels({ app: 'web' }).obj();
    expect(scoreAll(fwk, snapshot, incoming('prod'))).toEqual({ a1: 0, a2: 0, b1: 100 });
    expect(scoreAll(fwk, snapshot, incoming('dev'))).toEqual({ a1: 0, a2: 0, b1: 0 });
  });
});
