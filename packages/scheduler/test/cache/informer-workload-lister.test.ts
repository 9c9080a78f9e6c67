import { Api, InformerFactory, MemoryStore, type Service } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { InformerWorkloadLister } from '../../src/cache/informer-workload-lister.js';

const service = (name: string, namespace: string, app: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app }, ports: [{ port: 80 }] },
});

const names = (objects: readonly { metadata: { name: string } }[]) => objects.map((o) => o.metadata.name).sort();

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function start() {
  const api = new Api({ store: new MemoryStore() });
  const factory = new InformerFactory(api);
  const lister = new InformerWorkloadLister(factory, api.registry);
  const abort = new AbortController();
  factory.start(abort.signal);
  await lister.synced;
  await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  stop = async () => {
    abort.abort();
    lister.stopFollowing();
    await api.close();
  };
  return { api, lister };
}

describe('InformerWorkloadLister services', () => {
  it("answers each namespace's Services as the cache holds them after every change (create, update, delete, another namespace)", async () => {
    const { api, lister } = await start();
    const services = api.resource('Service');
    expect(lister.services('default')).toEqual([]);
    await services.create(service('a', 'default', 'a'));
    await services.create(service('b', 'default', 'b'));
    expect(names(lister.services('default'))).toEqual(['a', 'b']);
    const asked = lister.services('default');
    // Nothing changed: the same answer, not a new list.
    expect(lister.services('default')).toBe(asked);
    await services.create(service('c', 'other', 'c'));
    expect(names(lister.services('other'))).toEqual(['c']);
    expect(names(lister.services('default'))).toEqual(['a', 'b']);
    const b = await services.get('default', 'b');
    await services.update({ ...b, spec: { ...b.spec, selector: { app: 'b2' } } });
    expect(lister.services('default').find((s) => s.metadata.name === 'b')?.spec).toMatchObject({
      selector: { app: 'b2' },
    });
    await services.delete('default', 'a');
    expect(names(lister.services('default'))).toEqual(['b']);
  });
});
