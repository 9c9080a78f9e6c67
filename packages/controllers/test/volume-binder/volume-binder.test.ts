import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  FakeClock,
  Manager,
  MemoryStore,
  type PersistentVolume,
  type PersistentVolumeClaim,
} from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { HostPathProvisioner } from '../../src/volume-binder/host-path-provisioner.js';
import { registerVolumeBinderControllers, type VolumeBinderRegisterOptions } from '../../src/volume-binder/register.js';

function pv(
  name: string,
  storage: string,
  extra: Partial<PersistentVolume['spec']> = {},
  labels?: Record<string, string>,
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, ...extra },
  };
}

function pvc(name: string, storage: string, extra: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...extra },
  };
}

describe('PersistentVolume binder', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function cluster(opts: VolumeBinderRegisterOptions = {}) {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const api = new Api({ store, clock });
    const manager = new Manager({ api, clock });
    registerVolumeBinderControllers(manager, opts);
    const abort = new AbortController();
    await manager.start(abort.signal);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
      await api.close();
    });
    const settle = async () => {
      for (let i = 0; i < 5; i++) await clock.step(100);
    };
    /** Runs until `check` passes: provisioners do real file I/O, which settles outside the promise queue, after a load-dependent number of event-loop turns. */
    const eventually = async (check: () => Promise<unknown>) => {
      for (let i = 0; ; i++) {
        await clock.flush();
        try {
          return await check();
        } catch (err) {
          if (i >= 5000) throw err;
        }
      }
    };
    return {
      api,
      clock,
      settle,
      eventually,
      pvs: api.resource('PersistentVolume'),
      pvcs: api.resource('PersistentVolumeClaim'),
    };
  }

  it('binds a claim to the smallest volume that fits class, access modes, capacity and selector', async () => {
    const c = await cluster();
    await c.pvs.create(pv('small', '1Gi'));
    await c.pvs.create(pv('big', '100Gi'));
    await c.pvs.create(pv('medium', '10Gi'));
    await c.pvs.create(pv('medium-rwx', '5Gi', { accessModes: ['ReadWriteMany'] }));
    await c.pvs.create(pv('medium-fast', '5Gi', { storageClassName: 'fast' }));
    await c.pvs.create(pv('labelled', '20Gi', {}, { tier: 'gold' }));
    await c.pvcs.create(pvc('data', '2Gi'));
    await c.pvcs.create(pvc('gold', '2Gi', { selector: { matchLabels: { tier: 'gold' } } }));
    await c.settle();
    const data = await c.pvcs.get('default', 'data');
    expect(data.spec.volumeName).toBe('medium');
    expect(data.status).toMatchObject({
      phase: 'Bound',
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
    });
    expect(data.metadata.annotations?.['pv.kubernetes.io/bind-completed']).toBe('yes');
    const medium = await c.pvs.get('medium');
    expect(medium.status?.phase).toBe('Bound');
    expect(medium.spec.claimRef).toMatchObject({ namespace: 'default', name: 'data', uid: data.metadata.uid });
    expect((await c.pvcs.get('default', 'gold')).spec.volumeName).toBe('labelled');
    expect((await c.pvs.get('small')).status?.phase).toBe('Available');
  });

  it('honours volumeName pre-binding, and waits while the named volume does not fit', async () => {
    const c = await cluster();
    await c.pvs.create(pv('a', '10Gi'));
    await c.pvs.create(pv('b', '10Gi'));
    await c.pvcs.create(pvc('data', '1Gi', { volumeName: 'b' }));
    await c.pvcs.create(pvc('too-big', '50Gi', { volumeName: 'a' }));
    await c.settle();
    expect((await c.pvcs.get('default', 'data')).status?.phase).toBe('Bound');
    expect((await c.pvs.get('b')).spec.claimRef?.name).toBe('data');
    expect((await c.pvcs.get('default', 'too-big')).status?.phase).toBe('Pending');
    expect((await c.pvs.get('a')).spec.claimRef).toBeUndefined();
  });

  it('releases volumes whose claim is deleted: Retain keeps them, Delete without a provisioner fails', async () => {
    const c = await cluster();
    await c.pvs.create(pv('kept', '1Gi', { persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'a' }));
    await c.pvs.create(pv('dropped', '1Gi', { persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'b' }));
    await c.pvcs.create(pvc('one', '1Gi', { storageClassName: 'a' }));
    await c.pvcs.create(pvc('two', '1Gi', { storageClassName: 'b' }));
    await c.settle();
    await c.pvcs.delete('default', 'one');
    await c.pvcs.delete('default', 'two');
    await c.settle();
    expect((await c.pvs.get('kept')).status?.phase).toBe('Released');
    const dropped = await c.pvs.get('dropped');
    expect(dropped.status?.phase).toBe('Failed');
    expect(dropped.status?.message).toMatch(/no volume plugin matched/);
    // A released volume is not bound again to a new claim.
    await c.pvcs.create(pvc('three', '1Gi', { storageClassName: 'a' }));
    await c.settle();
    expect((await c.pvcs.get('default', 'three')).status?.phase).toBe('Pending');
  });

  it('WaitForFirstConsumer: provisions a host-path volume on the pod node, and deletes it with the claim', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flotilla-hostpath-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const provisioner = new HostPathProvisioner({ root });
    const c = await cluster({
      storageClasses: { local: { provisioner: provisioner.name, volumeBindingMode: 'WaitForFirstConsumer' } },
      provisioners: [provisioner],
    });
    await c.api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-7' } });
    const claim = await c.pvcs.create(pvc('data', '1Gi', { storageClassName: 'local' }));
    await c.api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'x' }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    await c.settle();
    expect((await c.pvs.list()).items).toEqual([]);
    expect((await c.pvcs.get('default', 'data')).status?.phase).toBe('Pending');

    await c.api.bindPod({ namespace: 'default', name: 'db' }, 'node-7');
    const volumeName = `pvc-${claim.metadata.uid}`;
    await c.eventually(async () => expect((await c.pvcs.get('default', 'data')).status?.phase).toBe('Bound'));
    const volume = await c.pvs.get(volumeName);
    expect(volume.spec).toMatchObject({
      capacity: { storage: '1Gi' },
      storageClassName: 'local',
      persistentVolumeReclaimPolicy: 'Delete',
      hostPath: { path: join(root, volumeName) },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-7'] }] },
          ],
        },
      },
    });
    expect(existsSync(join(root, volumeName))).toBe(true);
    expect((await c.pvcs.get('default', 'data')).status?.phase).toBe('Bound');

    await c.pvcs.delete('default', 'data');
    await c.eventually(() => expect(c.pvs.get(volumeName)).rejects.toThrow(/not found/));
    expect(existsSync(join(root, volumeName))).toBe(false);
  });

  it('host-path provisioner refuses names that would leave its root', async () => {
    const provisioner = new HostPathProvisioner({ root: tmpdir() });
    await expect(provisioner.delete({ metadata: { name: '../etc' } } as PersistentVolume)).rejects.toThrow(
      /not a DNS-1123 subdomain/,
    );
  });
});
