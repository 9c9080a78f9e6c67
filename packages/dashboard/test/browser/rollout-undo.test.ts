import type { Deployment, ReplicaSet } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { planRolloutUndo, selectorQuery } from '../../src/browser/model/rollout-undo.js';

const labels = { app: 'web' };
const template = (image: string, hash?: string) => ({
  metadata: { labels: hash ? { ...labels, 'pod-template-hash': hash } : { ...labels } },
  spec: { containers: [{ name: 'web', image }] },
});

const deployment = (image: string, extra: { paused?: boolean; annotations?: Record<string, string> } = {}) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', annotations: extra.annotations },
    spec: { selector: { matchLabels: labels }, template: template(image), paused: extra.paused },
  }) as Deployment;

const replicaSet = (
  revision: string | undefined,
  image: string,
  extra: { owner?: string; annotations?: Record<string, string> } = {},
) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${image.replace(/\W/g, '')}`,
      namespace: 'default',
      annotations: {
        ...(revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision }),
        ...extra.annotations,
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: extra.owner ?? 'd-uid', controller: true },
      ],
    },
    spec: { selector: { matchLabels: labels }, template: template(image, `h${image.length}`) },
  }) as ReplicaSet;

// What kubectl's DeploymentRollbacker (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go) decides, as data.
const refusals: [string, Deployment, ReplicaSet[], string][] = [
  ['no ReplicaSets at all', deployment('nginx:2'), [], 'no rollout history found for deployment "web"'],
  ['one revision only', deployment('nginx:2'), [replicaSet('1', 'nginx:2')], 'no rollout history found'],
  [
    'the earlier ReplicaSet is another Deployment’s (same labels, other controller)',
    deployment('nginx:2'),
    [replicaSet('2', 'nginx:2'), replicaSet('1', 'nginx:1', { owner: 'other' })],
    'no rollout history found',
  ],
  [
    'a ReplicaSet whose revision does not parse is no revision',
    deployment('nginx:2'),
    [replicaSet('2', 'nginx:2'), replicaSet('x', 'nginx:1')],
    'no rollout history found',
  ],
  [
    'a paused Deployment',
    deployment('nginx:2', { paused: true }),
    [replicaSet('2', 'nginx:2'), replicaSet('1', 'nginx:1')],
    "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again",
  ],
];

describe('planRolloutUndo: kubectl rollout undo, to the previous revision', () => {
  it.each(refusals)('refuses: %s', (_, d, sets, message) => {
    expect(planRolloutUndo(d, sets)).toEqual({ action: 'refuse', message: expect.stringContaining(message) });
  });

  it('restores the second-newest revision (not the oldest), its template without the hash label', () => {
    const sets = [replicaSet('1', 'nginx:1'), replicaSet('3', 'nginx:3'), replicaSet('2', 'nginx:2')];
    const plan = planRolloutUndo(deployment('nginx:3'), sets);
    expect(plan).toMatchObject({ action: 'patch', fromRevision: 3, toRevision: 2 });
    expect(plan.action === 'patch' && plan.patch[0]).toEqual({
      op: 'replace',
      path: '/spec/template',
      value: template('nginx:2'),
    });
  });

  it("replaces the annotations with the ReplicaSet's, but keeps the Deployment's own bookkeeping", () => {
    const d = deployment('nginx:2', {
      annotations: {
        'deployment.kubernetes.io/revision': '2',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'team/note': 'current',
      },
    });
    const previous = replicaSet('1', 'nginx:1', {
      annotations: { 'kubernetes.io/change-cause': 'first', 'deployment.kubernetes.io/desired-replicas': '3' },
    });
    const plan = planRolloutUndo(d, [replicaSet('2', 'nginx:2'), previous]);
    expect(plan.action === 'patch' && plan.patch[1]).toEqual({
      op: 'replace',
      path: '/metadata/annotations',
      value: {
        'deployment.kubernetes.io/revision': '2',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'kubernetes.io/change-cause': 'first',
      },
    });
  });

  it('skips, writing nothing, when the current template already matches the previous revision', () => {
    const plan = planRolloutUndo(deployment('nginx:1'), [replicaSet('2', 'nginx:2'), replicaSet('1', 'nginx:1')]);
    expect(plan).toEqual({
      action: 'skip',
      toRevision: 1,
      message: 'skipped rollback (current template already matches revision 1)',
    });
  });
});

describe('selectorQuery writes a selector as the labelSelector parameter', () => {
  it.each([
    [{ matchLabels: { app: 'web', tier: 'front' } }, 'app=web,tier=front'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'canary'] },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'gpu', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'app=web,env in (canary,prod),zone notin (b),gpu,!legacy',
    ],
    [undefined, ''],
  ] as const)('%j → %s', (selector, query) => {
    expect(selectorQuery(selector as Parameters<typeof selectorQuery>[0])).toBe(query);
  });
});
