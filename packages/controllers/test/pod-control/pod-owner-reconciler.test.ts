import type { ConfigMap, Pod, ReconcileResult } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodOwnerReconciler } from '../../src/pod-control/pod-owner-reconciler.js';
import { testPod } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';

/** A pod owner of a kind no controller handles, so only the shared part acts. */
class RecordingOwner extends PodOwnerReconciler<ConfigMap> {
  readonly synced: string[] = [];

  protected async sync(owner: Readonly<ConfigMap>, key: string): Promise<ReconcileResult | undefined> {
    this.synced.push(`${key} ${owner.metadata.uid}`);
    return undefined;
  }
}

function ownedPod(name: string, ownerKind: string, ownerName: string): Pod {
  const pod = testPod(name);
  pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: ownerKind, name: ownerName, uid: 'u1', controller: true }];
  return pod;
}

describe('PodOwnerReconciler (shared by ReplicaSet, DaemonSet and Job)', () => {
  let cluster: TestCluster;
  let reconciler: RecordingOwner;

  beforeEach(async () => {
    cluster = new TestCluster();
    reconciler = new RecordingOwner(cluster.ctx, 'ConfigMap');
    await cluster.start([{ kind: 'ConfigMap', reconciler }]);
  });
  afterEach(() => cluster.stop());

  it('syncs an owner present in the cache with its namespace/name key', async () => {
    const owner = await cluster.api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' } });
    await cluster.clock.flush();
    await reconciler.reconcile({ namespace: 'default', name: 'web' });
    expect(reconciler.synced).toEqual([`default/web ${owner.metadata.uid}`]);
  });

  it('drops the expectations of an owner that is gone and does not sync it', async () => {
    reconciler.expectations.expectCreations('default/gone', 2);
    await reconciler.reconcile({ namespace: 'default', name: 'gone' });
    expect(reconciler.synced).toEqual([]);
    expect(reconciler.expectations.satisfied('default/gone')).toBe(true);
  });

  it.each([
    { ownerKind: 'ConfigMap', key: 'default/web', satisfied: true },
    { ownerKind: 'ReplicaSet', key: undefined, satisfied: false },
  ])('observes a created pod only when its controller is of its kind ($ownerKind)', ({ ownerKind, key, satisfied }) => {
    reconciler.expectations.expectCreations('default/web', 1);
    expect(reconciler.observePodEvent('added', ownedPod('web-1', ownerKind, 'web'))).toBe(key);
    expect(reconciler.expectations.satisfied('default/web')).toBe(satisfied);
  });
});
