import type { ControllerRevision, PersistentVolumeClaim, StatefulSet } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rollbackStatefulSet } from '../../src/statefulset/rollback.js';
import { StatefulSetReconciler } from '../../src/statefulset/statefulset-controller.js';
import { TestCluster } from '../support/cluster.js';
import { drivenGarbageCollector } from '../support/driven-gc.js';

function statefulSet(spec: Partial<StatefulSet['spec']> = {}, image = 'postgres:16'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
      ...spec,
    },
  };
}

describe('StatefulSet controller', () => {
  let cluster: TestCluster;
  const names = async () => (await cluster.pods()).map((p) => p.metadata.name).sort();
  const terminating = async () =>
    (await cluster.api.resource('Pod').list({ namespace: 'default' })).items
      .filter((p) => p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name);
  const claims = async () =>
    (await cluster.api.resource('PersistentVolumeClaim').list({ namespace: 'default' })).items
      .filter((c) => !c.metadata.deletionTimestamp)
      .map((c) => c.metadata.name)
      .sort();
  const stored = () => cluster.api.resource('StatefulSet').get('default', 'db');
  const imageOf = async (name: string) =>
    (await cluster.api.resource('Pod').get('default', name)).spec.containers[0]!.image;
  const scale = async (replicas: number) => {
    await cluster.api.resource('StatefulSet').patch('default', 'db', { spec: { replicas } });
  };
  const setImage = async (image: string, rollingUpdate?: { partition?: number; maxUnavailable?: number }) => {
    const set = await stored();
    set.spec.template.spec.containers[0]!.image = image;
    if (rollingUpdate) set.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate };
    await cluster.api.resource('StatefulSet').update(set);
  };

  async function start(withGc = false) {
    cluster = new TestCluster(['n1', 'n2']);
    cluster.informers.for('PersistentVolumeClaim');
    cluster.informers.for('ControllerRevision');
    const controllers = [{ kind: 'StatefulSet', reconciler: new StatefulSetReconciler(cluster.ctx) }];
    await cluster.start(withGc ? [...controllers, drivenGarbageCollector(cluster)] : controllers);
  }
  afterEach(async () => cluster.stop());

  describe('OrderedReady', () => {
    beforeEach(async () => start());

    it('creates pods one at a time in ordinal order, each after its predecessor is Running and Ready', async () => {
      for (const n of ['db-0', 'db-1', 'db-2']) cluster.runner.setReady(n, false);
      await cluster.api.resource('StatefulSet').create(statefulSet());
      const steps: string[][] = [];
      for (const n of ['db-0', 'db-1', 'db-2']) {
        await cluster.settle();
        steps.push(await names());
        cluster.runner.setReady(n, true);
      }
      await cluster.settle();
      steps.push(await names());
      expect(steps).toEqual([['db-0'], ['db-0', 'db-1'], ['db-0', 'db-1', 'db-2'], ['db-0', 'db-1', 'db-2']]);
      expect(await claims()).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
      expect((await stored()).status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
      // Kubernetes' StatefulPodControl wording: claims before their pod, each ordinal after the one before.
      expect((await cluster.events()).slice(0, 4)).toEqual([
        'SuccessfulCreate: create Claim data-db-0 Pod db-0 in StatefulSet db success',
        'SuccessfulCreate: create Pod db-0 in StatefulSet db successful',
        'SuccessfulCreate: create Claim data-db-1 Pod db-1 in StatefulSet db success',
        'SuccessfulCreate: create Pod db-1 in StatefulSet db successful',
      ]);
    });

    it('gives each pod its stable identity: hostname, subdomain, labels and its own claim', async () => {
      await cluster.api.resource('StatefulSet').create(statefulSet());
      await cluster.settle();
      const pod = await cluster.api.resource('Pod').get('default', 'db-1');
      expect(pod.spec).toMatchObject({
        hostname: 'db-1',
        subdomain: 'db',
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }],
      });
      expect(pod.metadata.labels).toMatchObject({
        'statefulset.kubernetes.io/pod-name': 'db-1',
        'apps.kubernetes.io/pod-index': '1',
        'controller-revision-hash': (await stored()).status?.updateRevision,
      });
      const claim = await cluster.api.resource('PersistentVolumeClaim').get('default', 'data-db-1');
      expect(claim.metadata.labels).toEqual({ app: 'db' });
      expect(claim.metadata.ownerReferences ?? []).toEqual([]);
    });

    it('waits minReadySeconds (on the injected clock) before making the next pod', async () => {
      await cluster.api.resource('StatefulSet').create(statefulSet({ minReadySeconds: 10 }));
      await cluster.settle();
      expect(await names()).toEqual(['db-0']);
      await cluster.clock.step(10_001);
      await cluster.settle();
      expect(await names()).toEqual(['db-0', 'db-1']);
    });

    it('scales down from the highest ordinal, one pod at a time, waiting for each to terminate', async () => {
      await cluster.api.resource('StatefulSet').create(statefulSet());
      await cluster.settle();
      await scale(0);
      const observed: string[][] = [];
      for (let i = 0; i < 3; i++) {
        await cluster.round({ runPods: false });
        await cluster.round({ runPods: false });
        observed.push(await terminating());
        await cluster.runner.runAll();
      }
      expect(observed).toEqual([['db-2'], ['db-1'], ['db-0']]);
      expect(await names()).toEqual([]);
      expect(await claims()).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    });

    it('numbers pods from ordinals.start', async () => {
      await cluster.api
        .resource('StatefulSet')
        .create(statefulSet({ replicas: 2, ordinals: { start: 5 }, volumeClaimTemplates: [] }));
      await cluster.settle();
      expect(await names()).toEqual(['db-5', 'db-6']);
      await scale(1);
      await cluster.settle();
      expect(await names()).toEqual(['db-5']);
    });

    it('recreates a failed pod under the same name', async () => {
      await cluster.api.resource('StatefulSet').create(statefulSet({ replicas: 1 }));
      await cluster.settle();
      const before = await cluster.api.resource('Pod').get('default', 'db-0');
      await cluster.runner.finish('default', 'db-0', 'Failed');
      await cluster.settle();
      const after = await cluster.api.resource('Pod').get('default', 'db-0');
      expect(after.metadata.uid).not.toBe(before.metadata.uid);
      expect(after.status?.phase).toBe('Running');
    });
  });

  describe('Parallel', () => {
    beforeEach(async () => start());

    it('creates every pod at once without waiting for readiness', async () => {
      for (const n of ['db-0', 'db-1', 'db-2']) cluster.runner.setReady(n, false);
      await cluster.api.resource('StatefulSet').create(statefulSet({ podManagementPolicy: 'Parallel' }));
      await cluster.round({ runPods: false });
      expect(await names()).toEqual(['db-0', 'db-1', 'db-2']);
    });
  });

  describe('rolling update', () => {
    beforeEach(async () => {
      await start();
      await cluster.api.resource('StatefulSet').create(statefulSet());
      await cluster.settle();
    });

    it('updates only ordinals at or above the partition, then the rest in reverse ordinal order', async () => {
      const first = (await stored()).status?.currentRevision;
      await setImage('postgres:17', { partition: 2 });
      await cluster.settle();
      expect([await imageOf('db-0'), await imageOf('db-1'), await imageOf('db-2')]).toEqual([
        'postgres:16',
        'postgres:16',
        'postgres:17',
      ]);
      const partial = (await stored()).status!;
      expect(partial).toMatchObject({ currentRevision: first, currentReplicas: 2, updatedReplicas: 1 });
      expect(partial.updateRevision).not.toBe(first);

      await cluster.api.resource('StatefulSet').patch('default', 'db', {
        spec: { updateStrategy: { rollingUpdate: { partition: 0 } } },
      });
      await cluster.settle();
      const deletions = (await cluster.events()).filter((e) => e.startsWith('SuccessfulDelete'));
      expect(deletions).toEqual([
        'SuccessfulDelete: delete Pod db-2 in StatefulSet db successful',
        'SuccessfulDelete: delete Pod db-1 in StatefulSet db successful',
        'SuccessfulDelete: delete Pod db-0 in StatefulSet db successful',
      ]);
      const done = (await stored()).status!;
      expect(done).toMatchObject({ currentRevision: partial.updateRevision, updatedReplicas: 3, currentReplicas: 3 });
      const revisions = await cluster.api
        .resource<ControllerRevision>('ControllerRevision')
        .list({ namespace: 'default' });
      expect(revisions.items.map((r) => r.revision).sort()).toEqual([1, 2]);
    });

    it('waits for each replaced pod to be Ready before replacing the next', async () => {
      cluster.runner.setReady('db-2', false);
      await setImage('postgres:17');
      await cluster.settle();
      expect([await imageOf('db-1'), await imageOf('db-2')]).toEqual(['postgres:16', 'postgres:17']);
      cluster.runner.setReady('db-2', true);
      await cluster.settle();
      expect(await imageOf('db-0')).toBe('postgres:17');
    });

    it('with maxUnavailable 2 replaces two pods at once', async () => {
      await setImage('postgres:17', { partition: 0, maxUnavailable: 2 });
      await cluster.round({ runPods: false });
      await cluster.round({ runPods: false });
      expect((await terminating()).sort()).toEqual(['db-1', 'db-2']);
    });

    it('OnDelete replaces only pods deleted by someone else', async () => {
      const set = await stored();
      set.spec.template.spec.containers[0]!.image = 'postgres:17';
      set.spec.updateStrategy = { type: 'OnDelete' };
      await cluster.api.resource('StatefulSet').update(set);
      await cluster.settle();
      expect(await imageOf('db-2')).toBe('postgres:16');
      await cluster.api.resource('Pod').delete('default', 'db-1');
      await cluster.settle();
      expect([await imageOf('db-0'), await imageOf('db-1'), await imageOf('db-2')]).toEqual([
        'postgres:16',
        'postgres:17',
        'postgres:16',
      ]);
    });

    it('rolling back to an earlier template reuses its revision with the next number', async () => {
      const first = (await stored()).status?.updateRevision;
      await setImage('postgres:17');
      await cluster.settle();
      await setImage('postgres:16');
      await cluster.settle();
      const status = (await stored()).status!;
      expect(status.updateRevision).toBe(first);
      const rev = await cluster.api.resource<ControllerRevision>('ControllerRevision').get('default', first!);
      expect(rev.revision).toBe(3);
    });
  });

  describe('rollbackStatefulSet (kubectl rollout undo)', () => {
    beforeEach(async () => {
      await start();
      await cluster.api.resource('StatefulSet').create(statefulSet());
      await cluster.settle();
      await setImage('postgres:17');
      await cluster.settle();
    });

    it('puts the previous template back, and the controller rolls it out as the newest revision', async () => {
      const result = await rollbackStatefulSet(cluster.api, 'default', 'db');
      expect(result).toEqual({ revision: 1, skipped: false });
      await cluster.settle();
      expect([await imageOf('db-0'), await imageOf('db-1'), await imageOf('db-2')]).toEqual([
        'postgres:16',
        'postgres:16',
        'postgres:16',
      ]);
      const revisions = (
        await cluster.api.resource<ControllerRevision>('ControllerRevision').list({ namespace: 'default' })
      ).items;
      expect(revisions.map((r) => r.revision).sort()).toEqual([2, 3]);
    });

    it('skips a rollback to the template the set already has, and refuses an unknown revision', async () => {
      expect(await rollbackStatefulSet(cluster.api, 'default', 'db', 2)).toEqual({ revision: 2, skipped: true });
      await expect(rollbackStatefulSet(cluster.api, 'default', 'db', 9)).rejects.toThrow(/revision 9 of statefulsets/);
    });
  });

  describe('claim retention', () => {
    it.each<[string, 'Retain' | 'Delete', string[]]>([
      ['whenScaled Retain keeps the claims of removed ordinals', 'Retain', ['data-db-0', 'data-db-1', 'data-db-2']],
      ['whenScaled Delete deletes them with their pods', 'Delete', ['data-db-0']],
    ])('%s', async (_, whenScaled, expected) => {
      await start(true);
      await cluster.api
        .resource('StatefulSet')
        .create(statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled } }));
      await cluster.settle();
      await scale(1);
      await cluster.settle();
      expect(await names()).toEqual(['db-0']);
      expect(await claims()).toEqual(expected);
    });

    it('whenDeleted Delete makes the set an owner of every claim, so they go with it', async () => {
      await start(true);
      await cluster.api
        .resource('StatefulSet')
        .create(statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
      await cluster.settle();
      const claim = await cluster.api
        .resource<PersistentVolumeClaim>('PersistentVolumeClaim')
        .get('default', 'data-db-0');
      expect(claim.metadata.ownerReferences).toMatchObject([{ kind: 'StatefulSet', name: 'db' }]);
      await cluster.api.resource('StatefulSet').delete('default', 'db');
      await cluster.settle();
      expect(await claims()).toEqual([]);
      expect(await names()).toEqual([]);
    });
  });
});
