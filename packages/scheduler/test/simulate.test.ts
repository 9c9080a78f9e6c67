import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../src/plugins/default-plugins.js';
import { simulate } from '../src/simulate.js';
import { makeNamespace, makeNode, makePod } from './builders.js';

describe('simulate', () => {
  it('places pods where they fit and explains the ones that do not, like kube-scheduler', async () => {
    const nodes = [
      makeNode('a').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj(),
      makeNode('b').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj(),
      makeNode('c')
        .capacity({ cpu: '8', memory: '8Gi', pods: 10 })
        .taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })
        .obj(),
    ];
    const pods = [makePod('small').req({ cpu: '500m' }).obj(), makePod('huge').req({ cpu: '2' }).obj()];
    const r = await simulate({ nodes, pods, seed: 1 });
    expect(r.placements.map((p) => [p.pod.metadata.name, p.node])).toEqual([
      ['small', expect.stringMatching(/^[ab]$/)],
    ]);
    expect(r.unschedulable).toHaveLength(1);
    expect(r.unschedulable[0].message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect(r.unschedulable[0].reasons).toEqual(['Insufficient cpu', 'node(s) had untolerated taint {dedicated: gpu}']);
  });

  it('is deterministic for a seed and counts each placed pod before the next', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) =>
      makeNode(`n${i}`).capacity({ cpu: '2', memory: '4Gi', pods: 110 }).obj(),
    );
    const pods = Array.from({ length: 50 }, (_, i) => makePod(`p${i}`).req({ cpu: '500m', memory: '256Mi' }).obj());
    const a = await simulate({ nodes, pods, seed: 7 });
    const b = await simulate({ nodes, pods, seed: 7 });
    expect(a.placements.map((p) => p.node)).toEqual(b.placements.map((p) => p.node));
    const perNode = new Map<string, number>();
    for (const p of a.placements) perNode.set(p.node, (perNode.get(p.node) ?? 0) + 1);
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(4);
    expect(a.placements).toHaveLength(50);
  });

  it('says so when there are no nodes at all', async () => {
    const r = await simulate({ nodes: [], pods: [makePod('p').obj()] });
    expect(r.unschedulable.map((u) => u.message)).toEqual(['no nodes available to schedule pods']);
  });

  it.each([
    {
      name: 'namespaceSelector matching the given namespace labels: kept apart',
      namespaceSelector: { matchLabels: { team: 'a' } },
      namespaces: [makeNamespace('team-a', { team: 'a' }), makeNamespace('team-b', { team: 'a' })],
      want: 'n2',
    },
    {
      name: 'namespaceSelector with no namespaces given: nothing selected, not even its own namespace',
      namespaceSelector: { matchLabels: { team: 'a' } },
      namespaces: undefined,
      want: 'n1',
    },
    {
      name: 'namespaces a pod names but the input does not list count as unlabelled',
      namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' as const }] },
      namespaces: undefined,
      want: 'n2',
    },
  ])('resolves namespaceSelector against the namespaces given: $name', async ({
    namespaceSelector,
    namespaces,
    want,
  }) => {
    const nodes = ['n1', 'n2'].map((n) => makeNode(n).obj());
    const pods = [
      makePod('x', 'team-a').labels({ app: 'x' }).node('n1').obj(),
      makePod('new', 'team-b')
        .preferredNodeAffinity(100, [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }])
        .podAffinity('podAntiAffinity', {
          labelSelector: { matchLabels: { app: 'x' } },
          namespaceSelector,
          topologyKey: 'kubernetes.io/hostname',
        })
        .obj(),
    ];
    const r = await simulate({ nodes, pods, namespaces, seed: 1 });
    expect(r.placements.find((p) => p.pod.metadata.name === 'new')?.node).toBe(want);
  });

  it('keeps pods that name a node where they are and counts them', async () => {
    const nodes = [
      makeNode('a').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj(),
      makeNode('b').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj(),
    ];
    const r = await simulate({
      nodes,
      pods: [makePod('running').req({ cpu: '800m' }).node('a').obj(), makePod('new').req({ cpu: '500m' }).obj()],
      seed: 1,
    });
    expect(r.placements.map((p) => [p.pod.metadata.name, p.node])).toEqual([['new', 'b']]);
  });

  it('takes pods in priority order, so a high-priority pod gets the last room', async () => {
    const nodes = [makeNode('a').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj()];
    const pods = [
      makePod('low').req({ cpu: '1' }).priority(1).obj(),
      makePod('high').req({ cpu: '1' }).priority(100).obj(),
    ];
    const r = await simulate({ nodes, pods, profile: defaultProfile({ disabled: ['DefaultPreemption'] }) });
    expect(r.placements.map((p) => p.pod.metadata.name)).toEqual(['high']);
    expect(r.unschedulable.map((u) => u.pod.metadata.name)).toEqual(['low']);
  });
});
