import type { KubeObject, PodDisruptionBudget, ReplicaSet } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DisruptionReconciler } from '../../src/disruption/disruption-controller.js';
import { ReplicaSetReconciler } from '../../src/replicaset/replica-set-controller.js';
import { replicaSetKind } from '../../src/replicaset/replica-set-kind.js';
import { TestCluster } from '../support/cluster.js';

const replicaSet = (replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
});
const budget = (spec: Partial<PodDisruptionBudget['spec']>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});

describe('disruption controller (PodDisruptionBudget status)', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = new TestCluster(['n1', 'n2']);
    const rs = new ReplicaSetReconciler<ReplicaSet>(cluster.ctx, replicaSetKind);
    await cluster.start([
      { kind: 'ReplicaSet', reconciler: rs, observePodEvent: (t, p, o) => rs.observePodEvent(t, p, o) },
      { kind: 'PodDisruptionBudget', reconciler: new DisruptionReconciler(cluster.ctx) },
    ]);
  });
  afterEach(async () => cluster.stop());

  // The numbers follow pkg/controller/disruption/disruption_test.go's cases for
  // an integer and a percentage minAvailable and a maxUnavailable (4 pods of one ReplicaSet).
  it.each<[string, Partial<PodDisruptionBudget['spec']>, number, Record<string, number>]>([
    [
      'minAvailable 3 of 4 ready',
      { minAvailable: 3 },
      4,
      { expectedPods: 4, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1 },
    ],
    [
      'minAvailable 50% rounds up',
      { minAvailable: '50%' },
      3,
      { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 },
    ],
    [
      'maxUnavailable 1',
      { maxUnavailable: 1 },
      4,
      { expectedPods: 4, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1 },
    ],
    [
      'maxUnavailable 30% rounds up',
      { maxUnavailable: '30%' },
      4,
      { expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2 },
    ],
    [
      'minAvailable above the pods',
      { minAvailable: 5 },
      4,
      { expectedPods: 4, desiredHealthy: 5, currentHealthy: 4, disruptionsAllowed: 0 },
    ],
  ])('%s', async (_, spec, replicas, expected) => {
    await cluster.api.resource('ReplicaSet').create(replicaSet(replicas));
    await cluster.api.resource('PodDisruptionBudget').create(budget(spec));
    await cluster.settle();
    const pdb = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    expect(pdb.status).toMatchObject({ ...expected, observedGeneration: pdb.metadata.generation });
    expect(pdb.status?.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      status: expected.disruptionsAllowed! > 0 ? 'True' : 'False',
      reason: expected.disruptionsAllowed! > 0 ? 'SufficientPods' : 'InsufficientPods',
    });
  });

  it('counts not-ready pods as unhealthy', async () => {
    cluster.runner.setReady('never', false);
    await cluster.api.resource('ReplicaSet').create(replicaSet(3));
    await cluster.api.resource('PodDisruptionBudget').create(budget({ minAvailable: 2 }));
    await cluster.settle();
    const [first] = await cluster.pods();
    cluster.runner.setReady(first!.metadata.name, false);
    await cluster.settle();
    const pdb = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    expect(pdb.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
  });

  it('fails safe (no disruptions) when a percentage budget covers pods without a controller', async () => {
    await cluster.api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lonely', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    });
    await cluster.api.resource('PodDisruptionBudget').create(budget({ minAvailable: '50%' }));
    await cluster.settle();
    const pdb = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(pdb.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'SyncFailed' });
  });

  it('counts the replicas of a custom controller through its CRD scale subresource', async () => {
    await cluster.api.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'caches.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'caches', kind: 'Cache' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          },
        ],
      },
    });
    const owner = await cluster.api.apply<KubeObject>({
      apiVersion: 'example.com/v1',
      kind: 'Cache',
      metadata: { name: 'c', namespace: 'default' },
      spec: { replicas: 4 },
    });
    for (const i of [0, 1, 2]) {
      await cluster.api.resource('Pod').create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `c-${i}`,
          namespace: 'default',
          labels: { app: 'web' },
          ownerReferences: [
            { apiVersion: 'example.com/v1', kind: 'Cache', name: 'c', uid: owner.metadata.uid!, controller: true },
          ],
        },
        spec: { containers: [{ name: 'c', image: 'cache' }] },
      });
    }
    await cluster.api.resource('PodDisruptionBudget').create(budget({ maxUnavailable: 1 }));
    await cluster.informers.for('Cache').synced;
    await cluster.settle();
    const pdb = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    expect(pdb.status).toMatchObject({ expectedPods: 4, desiredHealthy: 3, currentHealthy: 3, disruptionsAllowed: 0 });
  });

  it('forgets an evicted pod that was not deleted within two minutes', async () => {
    await cluster.api.resource('ReplicaSet').create(replicaSet(3));
    await cluster.api.resource('PodDisruptionBudget').create(budget({ minAvailable: 1 }));
    await cluster.settle();
    const pdb = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    const [pod] = await cluster.pods();
    await cluster.api.resource('PodDisruptionBudget').updateStatus({
      ...pdb,
      status: {
        ...pdb.status!,
        disruptionsAllowed: 1,
        disruptedPods: { [pod!.metadata.name]: '2026-01-01T00:00:00Z' },
      },
    });
    await cluster.settle();
    expect((await cluster.api.resource('PodDisruptionBudget').get('default', 'web')).status).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 1,
    });
    await cluster.clock.step(2 * 60 * 1000 + 1);
    await cluster.settle();
    const later = await cluster.api.resource('PodDisruptionBudget').get('default', 'web');
    expect(later.status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 2 });
    expect(later.status?.disruptedPods).toBeUndefined();
  });
});
