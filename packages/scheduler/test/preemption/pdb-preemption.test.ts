import type { PodDisruptionBudget } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { type Candidate, pickCandidate } from '../../src/preemption/candidate.js';
import { splitByBudgetViolation } from '../../src/preemption/pdb-violations.js';
import { simulate } from '../../src/simulate.js';
import { makeNode, makePod } from '../builders.js';

const node = (name: string) => makeNode(name).capacity({ cpu: '4', memory: '8Gi', pods: 110 }).obj();
const budget = (
  app: string,
  disruptionsAllowed: number,
  disruptedPods?: Record<string, string>,
): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: app, namespace: 'default' },
  spec: { minAvailable: 1, selector: { matchLabels: { app } } },
  status: { disruptionsAllowed, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptedPods },
});
const info = (name: string, app: string, prio = 1) => new PodInfo(makePod(name).labels({ app }).priority(prio).obj());

// After kube-scheduler's pkg/scheduler/framework/preemption/preemption.go (filterPodsWithPDBViolation).
describe('splitByBudgetViolation', () => {
  it.each<[string, PodDisruptionBudget[], string[]]>([
    ['no budget: nothing violates', [], []],
    ['a budget allowing one: the second covered victim violates', [budget('db', 1)], ['db-1']],
    ['a budget allowing none: every covered victim violates', [budget('db', 0)], ['db-0', 'db-1']],
    [
      'a victim already being disrupted does not count again',
      [budget('db', 0, { 'db-0': '2026-01-01T00:00:00Z' })],
      ['db-1'],
    ],
    ['an empty selector covers nothing here', [{ ...budget('db', 0), spec: { minAvailable: 1, selector: {} } }], []],
  ])('%s', (_, budgets, violating) => {
    const victims = [info('db-0', 'db'), info('db-1', 'db'), info('web-0', 'web')];
    const split = splitByBudgetViolation(victims, () => budgets);
    expect(split.violating.map((v) => v.pod.metadata.name)).toEqual(violating);
    expect(split.nonViolating).toHaveLength(3 - violating.length);
  });
});

describe('preemption with PodDisruptionBudgets', () => {
  it('picks the candidate with fewer budget violations before any priority criterion', () => {
    const c = (nodeName: string, prio: number, numPDBViolations: number): Candidate => ({
      nodeName,
      victims: [info(`${nodeName}-v`, 'x', prio)],
      numPDBViolations,
    });
    expect(pickCandidate([c('a', 1, 1), c('b', 5, 0)], Date.UTC(2026, 1, 1))?.nodeName).toBe('b');
  });

  it.each<[string, PodDisruptionBudget[], string]>([
    ['without a budget, the node with the lowest-priority victims', [], 'n1'],
    ['with a budget protecting them, the other node', [budget('db', 0)], 'n2'],
    ['with a budget allowing both disruptions, the lowest-priority victims again', [budget('db', 2)], 'n1'],
  ])('%s', async (_, budgets, chosen) => {
    const r = await simulate({
      nodes: [node('n1'), node('n2')],
      pods: [
        makePod('db-0').labels({ app: 'db' }).req({ cpu: '2' }).priority(1).node('n1').obj(),
        makePod('db-1').labels({ app: 'db' }).req({ cpu: '2' }).priority(1).node('n1').obj(),
        makePod('web-0').labels({ app: 'web' }).req({ cpu: '2' }).priority(3).node('n2').obj(),
        makePod('web-1').labels({ app: 'web' }).req({ cpu: '2' }).priority(3).node('n2').obj(),
        makePod('high').req({ cpu: '3' }).priority(10).obj(),
      ],
      workloads: budgets,
      seed: 1,
    });
    expect(r.placements.map((p) => [p.pod.metadata.name, p.node])).toEqual([['high', chosen]]);
    expect(new Set(r.evictions.map((e) => e.node))).toEqual(new Set([chosen]));
  });

  it('on one node, reprieves the budget-protected victim first', async () => {
    const pods = (protectedLater: boolean) => [
      // Without budgets the later-started pod is the less important one and goes.
      makePod('db-0')
        .labels({ app: 'db' })
        .req({ cpu: '2' })
        .priority(1)
        .startTime(protectedLater ? '2026-01-02T00:00:00Z' : '2026-01-01T00:00:00Z')
        .node('n1')
        .obj(),
      makePod('batch-0')
        .labels({ app: 'batch' })
        .req({ cpu: '2' })
        .priority(1)
        .startTime(protectedLater ? '2026-01-01T00:00:00Z' : '2026-01-02T00:00:00Z')
        .node('n1')
        .obj(),
      makePod('high').req({ cpu: '2' }).priority(10).obj(),
    ];
    const without = await simulate({ nodes: [node('n1')], pods: pods(true) });
    expect(without.evictions.map((e) => e.pod.metadata.name)).toEqual(['db-0']);
    const withBudget = await simulate({ nodes: [node('n1')], pods: pods(true), workloads: [budget('db', 0)] });
    expect(withBudget.evictions.map((e) => e.pod.metadata.name)).toEqual(['batch-0']);
  });
});
