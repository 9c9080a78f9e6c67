import type { ConfigMap, PropagationPolicy, ReplicaSet } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DeploymentReconciler } from '../../src/deployment/deployment-controller.js';
import type { GarbageCollector } from '../../src/garbage-collector/garbage-collector.js';
import { ReplicaSetReconciler } from '../../src/replicaset/replica-set-controller.js';
import { replicaSetKind } from '../../src/replicaset/replica-set-kind.js';
import { testDeployment } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';
import { drivenGarbageCollector } from '../support/driven-gc.js';

function configMap(name: string, owners: ConfigMap['metadata']['ownerReferences'] = []): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ownerReferences: owners } };
}

describe('garbage collector', () => {
  let cluster: TestCluster;
  /** Kinds and names of objects in the order the store removed them. */
  let removed: string[];
  /** Every reconcile the collector was asked for, by uid. */
  let reconciles: MockInstance<GarbageCollector['reconcile']>;
  beforeEach(async () => {
    cluster = new TestCluster(['node-1', 'node-2']);
    const rs = new ReplicaSetReconciler<ReplicaSet>(cluster.ctx, replicaSetKind);
    const gc = drivenGarbageCollector(cluster);
    reconciles = vi.spyOn(gc.gc, 'reconcile');
    await cluster.start([
      { kind: 'Deployment', reconciler: new DeploymentReconciler(cluster.ctx) },
      { kind: 'ReplicaSet', reconciler: rs, observePodEvent: (t, p, o) => rs.observePodEvent(t, p, o) },
      gc,
    ]);
    removed = [];
    for (const kind of ['Deployment', 'ReplicaSet', 'Pod']) {
      cluster.api
        .resource(kind)
        .watch({ namespace: 'default' })
        .subscribe((e) => {
          if (e.type === 'DELETED') removed.push(kind);
        });
    }
  });
  afterEach(() => cluster.stop());

  const count = async (kind: string) => (await cluster.api.resource(kind).list({ namespace: 'default' })).items.length;
  const deployWeb = async () => {
    await cluster.api.resource('Deployment').create(testDeployment('web', 3));
    await cluster.settle();
    expect([await count('ReplicaSet'), await count('Pod')]).toEqual([1, 3]);
  };
  const deleteWeb = async (propagationPolicy: PropagationPolicy) => {
    await cluster.api.resource('Deployment').delete('default', 'web', { propagationPolicy });
    await cluster.settle();
  };

  it('never reconciles a dependent whose owners it holds, however often the dependent changes', async () => {
    await deployWeb();
    for (const p of (await cluster.api.resource('Pod').list({ namespace: 'default' })).items) {
      await cluster.api.resource('Pod').patchStatus('default', p.metadata.name, { status: { phase: 'Running' } });
    }
    await cluster.settle();
    expect(reconciles).not.toHaveBeenCalled();
  });

  it('still collects a dependent it never reconciled once its owner is deleted later', async () => {
    const owner = await cluster.api.resource('ConfigMap').create(configMap('owner'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '' };
    await cluster.api.resource('ConfigMap').create(configMap('dependent', [ref]));
    await cluster.settle();
    expect(reconciles).not.toHaveBeenCalled();
    await cluster.api.resource('ConfigMap').delete('default', 'owner');
    await cluster.settle();
    expect(await count('ConfigMap')).toBe(0);
  });

  it('Background: the Deployment goes at once, then its ReplicaSets, then their pods', async () => {
    await deployWeb();
    await deleteWeb('Background');
    expect([await count('Deployment'), await count('ReplicaSet'), await count('Pod')]).toEqual([0, 0, 0]);
    expect(removed).toEqual(['Deployment', 'ReplicaSet', 'Pod', 'Pod', 'Pod']);
  });

  it('Foreground: the Deployment stays (foregroundDeletion) until its ReplicaSets and pods are gone', async () => {
    await deployWeb();
    await cluster.api.resource('Deployment').delete('default', 'web', { propagationPolicy: 'Foreground' });
    const waiting = await cluster.api.resource('Deployment').get('default', 'web');
    expect(waiting.metadata.finalizers).toEqual(['foregroundDeletion']);
    await cluster.settle();
    expect([await count('Deployment'), await count('ReplicaSet'), await count('Pod')]).toEqual([0, 0, 0]);
    expect(removed).toEqual(['Pod', 'Pod', 'Pod', 'ReplicaSet', 'Deployment']);
  });

  it('Orphan: ReplicaSets and pods stay, without the owner reference, and the Deployment goes', async () => {
    await deployWeb();
    await deleteWeb('Orphan');
    expect([await count('Deployment'), await count('ReplicaSet'), await count('Pod')]).toEqual([0, 1, 3]);
    const [rs] = (await cluster.api.resource('ReplicaSet').list({ namespace: 'default' })).items;
    expect(rs.metadata.ownerReferences).toBeUndefined();
    expect(removed).toEqual(['Deployment']);
  });

  it('collects dependents whose owner is missing or whose owner name now has another uid', async () => {
    const owner = await cluster.api.resource('ConfigMap').create(configMap('owner'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '' };
    await cluster.api.resource('ConfigMap').create(configMap('live-owner', [ref]));
    await cluster.api
      .resource('ConfigMap')
      .create(configMap('missing-owner', [{ ...ref, name: 'never-existed', uid: 'no-such-uid' }]));
    await cluster.api.resource('ConfigMap').create(configMap('stale-uid', [{ ...ref, uid: 'an-older-uid' }]));
    await cluster.settle();
    const names = (await cluster.api.resource('ConfigMap').list({ namespace: 'default' })).items.map(
      (c) => c.metadata.name,
    );
    expect(names.sort()).toEqual(['live-owner', 'owner']);
  });

  it('keeps a dependent with one live owner, dropping only the dangling reference', async () => {
    const owner = await cluster.api.resource('ConfigMap').create(configMap('owner'));
    const live = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '' };
    const gone = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'gone-uid' };
    await cluster.api.resource('ConfigMap').create(configMap('shared', [live, gone]));
    await cluster.settle();
    const shared = await cluster.api.resource('ConfigMap').get('default', 'shared');
    expect(shared.metadata.ownerReferences).toEqual([live]);
  });

  it('leaves dependents of an owner of an unknown kind alone', async () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'widget-uid' };
    await cluster.api.resource('ConfigMap').create(configMap('kept', [unknown]));
    await cluster.settle();
    expect(await count('ConfigMap')).toBe(1);
  });
});
