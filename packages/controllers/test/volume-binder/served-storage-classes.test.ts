import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  type Event,
  FakeClock,
  Manager,
  MemoryStore,
  type PersistentVolumeClaim,
  type StorageClass,
} from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { HostPathProvisioner } from '../../src/volume-binder/host-path-provisioner.js';
import { registerVolumeBinderControllers } from '../../src/volume-binder/register.js';

const storageClass = (name: string, provisioner: string, isDefault = false): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
  provisioner,
});
const claim = (name: string, storageClassName?: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
    ...(storageClassName === undefined ? {} : { storageClassName }),
  },
});

describe('the PersistentVolume binder with served StorageClass objects', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function cluster() {
    const root = mkdtempSync(join(tmpdir(), 'flotilla-sc-'));
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const manager = new Manager({ api, clock });
    registerVolumeBinderControllers(manager, {
      provisioners: [new HostPathProvisioner({ root, name: 'flotilla.dev/hostpath' })],
    });
    const abort = new AbortController();
    await manager.start(abort.signal);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
      await api.close();
      rmSync(root, { recursive: true, force: true });
    });
    const phaseOf = async (name: string) => await api.resource('PersistentVolumeClaim').get('default', name);
    /** Provisioning does file I/O, which settles outside the promise queue: turn the loop until `check` holds. */
    const eventually = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 5000; i++) {
        await clock.step(100);
        if (await check()) return;
      }
      throw new Error('condition never held');
    };
    return { api, clock, phaseOf, eventually };
  }

  it('provisions a claim through the provisioner its StorageClass object names', async () => {
    const c = await cluster();
    await c.api.resource('StorageClass').create(storageClass('local', 'flotilla.dev/hostpath'));
    await c.api.resource('PersistentVolumeClaim').create(claim('data', 'local'));
    await c.eventually(async () => (await c.phaseOf('data')).status?.phase === 'Bound');
    const bound = await c.phaseOf('data');
    const pv = await c.api.resource('PersistentVolume').get(bound.spec.volumeName!);
    expect(pv.spec).toMatchObject({ storageClassName: 'local', persistentVolumeReclaimPolicy: 'Delete' });
  });

  it('gives a claim without storageClassName the default class, and leaves storageClassName "" classless', async () => {
    const c = await cluster();
    await c.api.resource('StorageClass').create(storageClass('standard', 'flotilla.dev/hostpath', true));
    await c.api.resource('PersistentVolumeClaim').create(claim('unset'));
    await c.api.resource('PersistentVolumeClaim').create(claim('classless', ''));
    await c.eventually(async () => (await c.phaseOf('unset')).status?.phase === 'Bound');
    expect((await c.phaseOf('unset')).spec.storageClassName).toBe('standard');
    const classless = await c.phaseOf('classless');
    expect(classless.spec.storageClassName).toBe('');
    expect(classless.status?.phase).toBe('Pending');
  });

  it('provisions nothing, and complains of nothing, for a kubernetes.io/no-provisioner class', async () => {
    const c = await cluster();
    await c.api.resource('StorageClass').create(storageClass('manual', 'kubernetes.io/no-provisioner'));
    await c.api.resource('PersistentVolumeClaim').create(claim('data', 'manual'));
    for (let i = 0; i < 10; i++) await c.clock.step(100);
    expect((await c.phaseOf('data')).status?.phase).toBe('Pending');
    expect((await c.api.resource('PersistentVolume').list()).items).toEqual([]);
    const events = (await c.api.resource<Event>('Event').list({ namespace: 'default' })).items;
    expect(events.map((e) => e.reason)).toEqual([]);
  });
});
