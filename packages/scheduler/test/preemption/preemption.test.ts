import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { type Candidate, pickCandidate } from '../../src/preemption/candidate.js';
import { simulate } from '../../src/simulate.js';
import { makeNode, makePod } from '../builders.js';

const node = (name: string) => makeNode(name).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).obj();
const victim = (name: string, prio: number, start = '2026-01-01T00:00:00Z') =>
  new PodInfo(makePod(name).priority(prio).startTime(start).obj());

describe('pickCandidate', () => {
  const c = (nodeName: string, ...victims: PodInfo[]): Candidate => ({ nodeName, victims });
  it.each([
    {
      name: 'lowest highest-priority victim first',
      candidates: [c('a', victim('x', 5)), c('b', victim('y', 1), victim('z', 3))],
      want: 'b',
    },
    {
      name: 'then the smallest sum of priorities',
      candidates: [c('a', victim('x', 3), victim('w', 3)), c('b', victim('y', 3), victim('z', 1))],
      want: 'b',
    },
    {
      name: 'then the fewest victims',
      candidates: [c('a', victim('x', 2), victim('w', 0), victim('v', 0)), c('b', victim('y', 2), victim('z', 0))],
      want: 'b',
    },
    {
      name: 'then the latest start among the highest-priority victims',
      candidates: [c('a', victim('x', 2, '2026-01-01T00:00:00Z')), c('b', victim('y', 2, '2026-01-02T00:00:00Z'))],
      want: 'b',
    },
    { name: 'then the first', candidates: [c('a', victim('x', 2)), c('b', victim('y', 2))], want: 'a' },
  ])('$name', ({ candidates, want }) => {
    expect(pickCandidate(candidates, Date.UTC(2026, 1, 1))?.nodeName).toBe(want);
  });
});

describe('DefaultPreemption', () => {
  it('evicts the least important pods that make room, and places the preemptor there', async () => {
    const r = await simulate({
      nodes: [node('n1'), node('n2')],
      pods: [
        makePod('n1-a').req({ cpu: '2' }).priority(1).node('n1').obj(),
        makePod('n1-b').req({ cpu: '2' }).priority(1).node('n1').obj(),
        makePod('n2-a').req({ cpu: '2' }).priority(5).node('n2').obj(),
        makePod('n2-b').req({ cpu: '2' }).priority(5).node('n2').obj(),
        makePod('high').req({ cpu: '3' }).priority(10).obj(),
      ],
      seed: 1,
    });
    expect(r.evictions.map((e) => [e.pod.metadata.name, e.node, e.preemptor.metadata.name]).sort()).toEqual([
      ['n1-a', 'n1', 'high'],
      ['n1-b', 'n1', 'high'],
    ]);
    expect(r.placements.map((p) => [p.pod.metadata.name, p.node])).toEqual([['high', 'n1']]);
  });

  it('gives back ("reprieves") the most important pods that are not needed', async () => {
    const r = await simulate({
      nodes: [node('n1')],
      pods: [
        makePod('a').req({ cpu: '1' }).priority(1).node('n1').obj(),
        makePod('b').req({ cpu: '1' }).priority(2).node('n1').obj(),
        makePod('c').req({ cpu: '2' }).priority(3).node('n1').obj(),
        makePod('high').req({ cpu: '2' }).priority(10).obj(),
      ],
    });
    expect(r.evictions.map((e) => e.pod.metadata.name).sort()).toEqual(['a', 'b']);
    expect(r.placements.map((p) => p.node)).toEqual(['n1']);
  });

  it.each([
    { name: 'equal priority', prio: 5, policy: undefined, message: /2 No preemption victims found for incoming pod/ },
    { name: 'higher priority', prio: 1, policy: undefined, message: /No preemption victims found/ },
    {
      name: 'preemptionPolicy Never',
      prio: 10,
      policy: 'Never' as const,
      message: /not eligible due to preemptionPolicy=Never/,
    },
  ])('never preempts for $name', async ({ prio, policy, message }) => {
    const pod = makePod('p').req({ cpu: '3' }).priority(prio).obj();
    pod.spec.preemptionPolicy = policy;
    const r = await simulate({
      nodes: [node('n1'), node('n2')],
      pods: [
        makePod('x').req({ cpu: '2' }).priority(5).node('n1').obj(),
        makePod('y').req({ cpu: '2' }).priority(5).node('n2').obj(),
        pod,
      ],
    });
    expect(r.evictions).toEqual([]);
    expect(r.unschedulable.map((u) => u.pod.metadata.name)).toEqual(['p']);
    expect(r.unschedulable[0].message).toMatch(message);
  });

  it('evicts a lower-priority pod that the preemptor has required anti-affinity to', async () => {
    const r = await simulate({
      nodes: [node('n1')],
      pods: [
        makePod('web').labels({ app: 'web' }).priority(0).node('n1').obj(),
        makePod('other').labels({ app: 'db' }).priority(0).node('n1').obj(),
        makePod('high')
          .priority(10)
          .podAffinity('podAntiAffinity', {
            labelSelector: { matchLabels: { app: 'web' } },
            topologyKey: 'kubernetes.io/hostname',
          })
          .obj(),
      ],
    });
    expect(r.evictions.map((e) => e.pod.metadata.name)).toEqual(['web']);
    expect(r.placements.map((p) => [p.pod.metadata.name, p.node])).toEqual([['high', 'n1']]);
  });

  it('does not preempt on nodes rejected for reasons eviction cannot fix', async () => {
    const r = await simulate({
      nodes: [
        makeNode('tainted')
          .capacity({ cpu: '4', memory: '8Gi', pods: 10 })
          .taint({ key: 'k', value: 'v', effect: 'NoSchedule' })
          .obj(),
      ],
      pods: [
        makePod('low').req({ cpu: '4' }).priority(0).tolerate({ operator: 'Exists' }).node('tainted').obj(),
        makePod('high').req({ cpu: '1' }).priority(10).obj(),
      ],
    });
    expect(r.evictions).toEqual([]);
    expect(r.unschedulable[0].message).toMatch(/1 Preemption is not helpful for scheduling/);
  });
});
