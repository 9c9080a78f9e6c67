import { describe, expect, it } from 'vitest';
import { Api, INITIAL_NAMESPACES } from '../../src/api/index.js';
import { NotFoundError } from '../../src/errors/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { newApi, pod, revision } from './fixtures.js';

describe('namespaces', () => {
  it('default, kube-system, kube-public and kube-node-lease exist before the first operation completes', async () => {
    const { api } = newApi();
    const names = (await api.resource('Namespace').list()).items.map((n) => n.metadata.name);
    expect(names.sort()).toEqual([...INITIAL_NAMESPACES].sort());
    for (const ns of INITIAL_NAMESPACES) {
      expect((await api.resource('Namespace').get(ns)).status?.phase).toBe('Active');
    }
  });

  it('a create in a namespace that does not exist fails with NotFound and writes nothing', async () => {
    const { api, store } = newApi();
    await api.resource('Namespace').list();
    const before = await revision(store);
    const err = (await api
      .resource('Pod')
      .create(pod('p', 'nowhere'))
      .catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('namespaces "nowhere" not found');
    expect(await revision(store)).toBe(before);
  });

  it('a namespace is usable right after it is created', async () => {
    const { api } = newApi();
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    expect((await api.resource('Pod').create(pod('p', 'fresh'))).metadata.namespace).toBe('fresh');
  });

  it('a namespace created through another Api on the same store is found at once', async () => {
    const store = new MemoryStore();
    const a = new Api({ store });
    const b = new Api({ store });
    await b.resource('Namespace').list();
    await a.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shared' } });
    expect((await b.resource('Pod').create(pod('p', 'shared'))).metadata.namespace).toBe('shared');
    await a.close();
    await b.close();
  });

  it('two Apis on one store create the initial namespaces once', async () => {
    const store = new MemoryStore();
    const a = new Api({ store });
    const b = new Api({ store });
    await Promise.all([a.resource('Namespace').list(), b.resource('Namespace').list()]);
    expect((await a.resource('Namespace').list()).items).toHaveLength(INITIAL_NAMESPACES.length);
    await a.close();
    await b.close();
  });

  it('a namespace deleted through another Api refuses new content once its deletion is seen', async () => {
    const store = new MemoryStore();
    const a = new Api({ store });
    const b = new Api({ store });
    await a.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await b.resource('Pod').create(pod('p1', 'doomed'));
    await a.resource('Namespace').delete('doomed');
    // MemoryStore delivers watch events inside the write, so b has seen it.
    await expect(b.resource('Pod').create(pod('p2', 'doomed'))).rejects.toThrow(/being terminated/);
    await a.close();
    await b.close();
  });
});
