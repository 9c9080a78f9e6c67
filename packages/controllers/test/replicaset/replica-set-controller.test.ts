import type { KubeObject, ObjectCache, Pod, ReplicaSet } from '@flotilla/core';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplicaSetReconciler } from '../../src/replicaset/replica-set-controller.js';
import { replicaSetKind } from '../../src/replicaset/replica-set-kind.js';
import { TestCluster } from '../support/cluster.js';

/** A cache view that lists nothing, as an informer that has not seen any write yet. */
/** A cache that answers every read, listed or indexed, with nothing (its indexes are the real cache's). */
function frozenEmpty<T extends KubeObject>(cache: ObjectCache<T>): ObjectCache<T> {
  return Object.assign(Object.create(cache) as ObjectCache<T>, {
    list: () => [],
    byIndex: () => [],
    addIndexer: () => {},
  });
}

function replicaSet(name: string, replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

describe('ReplicaSet controller', () => {
  let cluster: TestCluster;
  let reconciler: ReplicaSetReconciler<ReplicaSet>;

  beforeEach(async () => {
    cluster = new TestCluster();
    reconciler = new ReplicaSetReconciler(cluster.ctx, replicaSetKind);
    await cluster.start([
      { kind: 'ReplicaSet', reconciler, observePodEvent: (t, p, o) => reconciler.observePodEvent(t, p, o) },
    ]);
  });
  afterEach(() => cluster.stop());

  const rsClient = () => cluster.api.resource('ReplicaSet');

  it('creates the declared number of owned pods and reports status', async () => {
    await rsClient().create(replicaSet('web', 3));
    await cluster.settle();
    const pods = await cluster.pods();
    expect(pods).toHaveLength(3);
    const rs = await rsClient().get('default', 'web');
    for (const p of pods) {
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true }),
      ]);
      expect(p.metadata.name).toMatch(/^web-/);
    }
    expect(rs.status).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: rs.metadata.generation,
    });
    expect((await cluster.events()).sort()).toEqual(
      pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort(),
    );
  });

  it('scales down in deletion order: not-ready pods go first', async () => {
    await rsClient().create(replicaSet('web', 4));
    await cluster.settle();
    const [first] = await cluster.pods();
    cluster.runner.setReady(first.metadata.name, false);
    await cluster.settle();
    await rsClient().patch('default', 'web', { spec: { replicas: 3 } });
    await cluster.settle();
    const names = (await cluster.pods()).map((p) => p.metadata.name);
    expect(names).toHaveLength(3);
    expect(names).not.toContain(first.metadata.name);
    expect(await cluster.events()).toContain(`SuccessfulDelete: Deleted pod: ${first.metadata.name}`);
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    const orphan: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    await cluster.api.resource('Pod').create(orphan);
    await rsClient().create(replicaSet('web', 2));
    await cluster.settle();
    const pods = await cluster.pods();
    expect(pods).toHaveLength(2);
    const adopted = pods.find((p) => p.metadata.name === 'orphan');
    expect(adopted?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'web', controller: true });

    await cluster.api.resource('Pod').patch('default', 'orphan', { metadata: { labels: { app: 'other' } } });
    await cluster.settle();
    const released = await cluster.api.resource('Pod').get('default', 'orphan');
    expect(released.metadata.ownerReferences ?? []).toEqual([]);
    const owned = (await cluster.pods()).filter((p) => p.metadata.labels?.app === 'web');
    expect(owned).toHaveLength(2);
  });

  it('creates in slow-start batches, stops at the first failure and sets ReplicaFailure', async () => {
    let creates = 0;
    cluster.api.addAdmissionHook({
      name: 'quota',
      kinds: ['Pod'],
      operations: ['CREATE'],
      admit: () => {
        creates++;
        if (creates > 3) throw new Error('exceeded quota: pods');
      },
    });
    await rsClient().create(replicaSet('web', 20));
    const errors = await cluster.round();
    expect(errors.length).toBeGreaterThan(0);
    // batches 1, 2, 4: the third batch (4 calls) fails, so 7 calls and 3 pods.
    expect(creates).toBe(7);
    expect(await cluster.pods()).toHaveLength(3);
    const rs = await rsClient().get('default', 'web');
    expect(rs.status?.conditions).toEqual([
      expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }),
    ]);
  });

  it('never creates twice while the cache lags its own writes', async () => {
    // A pod cache frozen before the first sync's writes: without expectations
    // the second sync would see 0 pods again and create 5 more.
    const real = cluster.ctx.informers;
    const lagging = new ReplicaSetReconciler<ReplicaSet>(
      {
        ...cluster.ctx,
        informers: {
          for: <T extends KubeObject>(kind: string) =>
            kind === 'Pod' ? { cache: frozenEmpty(real.for<T>(kind).cache) } : real.for<T>(kind),
        },
      },
      replicaSetKind,
    );
    await rsClient().create(replicaSet('lagging', 5));
    await cluster.clock.flush();
    const req = { namespace: 'default', name: 'lagging' };
    await lagging.reconcile(req);
    await lagging.reconcile(req);
    const pods = (await cluster.pods()).filter((p) => p.metadata.name.startsWith('lagging-'));
    expect(pods).toHaveLength(5);
    expect(lagging.expectations.satisfied('default/lagging')).toBe(false);
  });

  it('counts pods available only after minReadySeconds and asks to be requeued', async () => {
    await rsClient().create(replicaSet('web', 2, 30));
    await cluster.settle();
    let rs = await rsClient().get('default', 'web');
    expect(rs.status).toMatchObject({ readyReplicas: 2, availableReplicas: 0 });
    const result = await reconciler.reconcile({ namespace: 'default', name: 'web' });
    expect(result?.requeueAfterMs).toBeGreaterThan(29_000);
    await cluster.clock.step(result?.requeueAfterMs ?? 0);
    await cluster.settle();
    rs = await rsClient().get('default', 'web');
    expect(rs.status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
  });
});
