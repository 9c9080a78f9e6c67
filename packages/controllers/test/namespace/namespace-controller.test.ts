import {
  Api,
  FakeClock,
  InformerFactory,
  type KubeObject,
  MemoryStore,
  type Namespace,
  silentLogger,
} from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NamespaceReconciler } from '../../src/namespace/namespace-controller.js';

describe('namespace controller', () => {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let reconciler: NamespaceReconciler;
  const abort = new AbortController();

  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock });
    api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Website',
      plural: 'websites',
      namespaced: true,
    });
    const informers = new InformerFactory(api, { clock });
    informers.for('Namespace');
    informers.start(abort.signal);
    await informers.waitForSync();
    reconciler = new NamespaceReconciler({ api, clock, informers, logger: silentLogger() });
  });
  afterEach(async () => {
    await api.close();
    await store.close();
  });

  async function sync(name: string) {
    await clock.flush();
    const result = await reconciler.reconcile({ name });
    await clock.flush();
    return result;
  }

  const condition = async (type: string) =>
    (await api.resource('Namespace').get('team')).status?.conditions?.find((c) => c.type === type);

  it('deletes every namespaced object of every kind, reports what is left, then removes the kubernetes finalizer', async () => {
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' }, data: {} });
    await api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'team' },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x' }] },
    });
    await api.resource<KubeObject>('Website').create({
      apiVersion: 'example.com/v1',
      kind: 'Website',
      metadata: { name: 'site', namespace: 'team', finalizers: ['example.com/cleanup'] },
    });
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'default' } });

    await api.resource('Namespace').delete('team');
    expect((await api.resource('Namespace').get('team')).status?.phase).toBe('Terminating');
    await expect(
      api
        .resource('ConfigMap')
        .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'team' } }),
    ).rejects.toThrow(/being terminated/);

    expect(await sync('team')).toEqual({ requeueAfterMs: 1000 });
    await expect(api.resource('ConfigMap').get('team', 'cfg')).rejects.toThrow(/not found/);
    expect((await api.resource('Pod').get('team', 'web')).metadata.deletionTimestamp).toBeDefined();
    expect(await condition('NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: pods has 1 resource instances, websites has 1 resource instances',
    });
    expect(await condition('NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      message: 'Some content in the namespace has finalizers remaining: example.com/cleanup in 1 resource instances',
    });

    // The node agent finishes the pod; the custom controller finishes its cleanup.
    await api.resource('Pod').delete('team', 'web', { gracePeriodSeconds: 0 });
    const site = await api.resource<KubeObject>('Website').get('team', 'site');
    await api.resource<KubeObject>('Website').update({ ...site, metadata: { ...site.metadata, finalizers: [] } });
    expect(await sync('team')).toBeUndefined();
    await expect(api.resource('Namespace').get('team')).rejects.toThrow(/not found/);
    expect((await api.resource('ConfigMap').get('default', 'keep')).metadata.name).toBe('keep');
  });

  it('leaves active namespaces alone and keeps other spec finalizers', async () => {
    await api.resource('Namespace').create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
      spec: { finalizers: ['kubernetes', 'example.com/x'] },
    });
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' } });
    expect(await sync('team')).toBeUndefined();
    expect((await api.resource('ConfigMap').get('team', 'cfg')).metadata.name).toBe('cfg');
    await api.resource('Namespace').delete('team');
    await sync('team');
    await sync('team');
    const ns: Namespace = await api.resource('Namespace').get('team');
    expect(ns.spec?.finalizers).toEqual(['example.com/x']);
    expect(await condition('NamespaceContentRemaining')).toMatchObject({ status: 'False', reason: 'ContentRemoved' });
  });
});
