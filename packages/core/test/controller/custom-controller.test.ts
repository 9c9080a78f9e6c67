/**
 * An example custom controller, written only against the public API as a
 * user would: a `Website` kind whose reconciler keeps one ConfigMap per
 * Website and cleans it up through a finalizer when the Website is deleted.
 */
import {
  Api,
  type ConfigMap,
  EventRecorder,
  ensureFinalizer,
  FakeClock,
  type KubeObject,
  Manager,
  MemoryStore,
  type Reconciler,
  removeFinalizer,
  setControllerReference,
} from '@flotilla/core';
import { describe, expect, it } from 'vitest';

interface Website extends KubeObject {
  spec: { domain: string };
}

const finalizer = 'example.com/config-cleanup';

/** Level-triggered: reads the cache, compares with the desired state, acts, returns. */
function websiteReconciler(api: Api, manager: Manager, recorder: EventRecorder): Reconciler {
  const websites = api.resource<Website>('Website');
  const configMaps = api.resource('ConfigMap');
  const websiteCache = manager.informers.for<Website>('Website').cache;
  const configMapCache = manager.informers.for<ConfigMap>('ConfigMap').cache;
  return {
    async reconcile({ namespace, name }) {
      const site = websiteCache.get(namespace, name);
      if (!site) return;
      const cmName = `${name}-config`;
      if (site.metadata.deletionTimestamp) {
        if (configMapCache.get(namespace, cmName)) await configMaps.delete(namespace!, cmName).catch(() => undefined);
        await removeFinalizer(websites, site, finalizer);
        return;
      }
      const owned = await ensureFinalizer(websites, site, finalizer);
      const current = configMapCache.get(namespace, cmName);
      const data = { domain: owned.spec.domain };
      if (!current) {
        const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cmName, namespace }, data };
        await configMaps.create(setControllerReference(owned, cm));
        await recorder.event(owned, 'Normal', 'ConfigCreated', `created ConfigMap ${cmName}`);
      } else if (current.data?.domain !== data.domain) {
        await configMaps.update({ ...structuredClone(current), data });
      }
    },
  };
}

describe('a custom controller on the public API', () => {
  it('creates a ConfigMap per Website, follows changes, and cleans up through a finalizer', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Website',
      plural: 'websites',
      namespaced: true,
    });
    const manager = new Manager({ api, clock });
    const recorder = new EventRecorder(api, { component: 'website-controller', clock });
    manager
      .controller('website')
      .for('Website')
      .owns('ConfigMap')
      .reconcile(websiteReconciler(api, manager, recorder));
    const ac = new AbortController();
    await manager.start(ac.signal);

    const websites = api.resource<Website>('Website');
    const configMaps = api.resource('ConfigMap');
    await websites.create({
      apiVersion: 'example.com/v1',
      kind: 'Website',
      metadata: { name: 'blog', namespace: 'default' },
      spec: { domain: 'blog.example.com' },
    });
    await clock.step(1000);
    const cm = await configMaps.get('default', 'blog-config');
    expect(cm.data).toEqual({ domain: 'blog.example.com' });
    expect(cm.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Website', name: 'blog', controller: true });
    expect((await websites.get('default', 'blog')).metadata.finalizers).toEqual([finalizer]);

    const site = await websites.get('default', 'blog');
    await websites.update({ ...site, spec: { domain: 'www.example.com' } });
    await clock.step(1000);
    expect((await configMaps.get('default', 'blog-config')).data).toEqual({ domain: 'www.example.com' });

    // Someone deletes the ConfigMap: the owner is woken and recreates it.
    await configMaps.delete('default', 'blog-config');
    await clock.step(1000);
    expect((await configMaps.get('default', 'blog-config')).data).toEqual({ domain: 'www.example.com' });

    await websites.delete('default', 'blog');
    await clock.step(1000);
    await expect(websites.get('default', 'blog')).rejects.toThrow(/not found/);
    await expect(configMaps.get('default', 'blog-config')).rejects.toThrow(/not found/);
    const events = (await api.resource('Event').list({ namespace: 'default' })).items;
    expect(events.map((e) => [e.reason, e.count])).toEqual([['ConfigCreated', 2]]);

    ac.abort();
    await manager.stopped;
  });
});
