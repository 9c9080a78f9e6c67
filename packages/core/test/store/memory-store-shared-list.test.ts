import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const pod = (name: string, node: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node },
});
const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });
const nodeOf = (obj: KubeObject) => (obj.spec as { nodeName: string }).nodeName;

async function storeWith(names: string[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const name of names) await store.create(key(name), pod(name, 'node-a'));
  return store;
}

describe('MemoryStore shared lists (ListOptions.shared)', () => {
  it("gives every shared list the store's own frozen objects, and every other list copies of its own", async () => {
    const store = await storeWith(['a1', 'b1']);
    const [sharedA, sharedB, own] = await Promise.all([
      store.list('pods', { shared: true }),
      store.list('pods', { shared: true }),
      store.list('pods'),
    ]);
    expect(sharedA.items.map((o) => o.metadata.name)).toEqual(['a1', 'b1']);
    for (const [i, object] of sharedA.items.entries()) {
      expect(object).toBe(sharedB.items[i]);
      expect(Object.isFrozen(object.spec)).toBe(true);
      expect(own.items[i]).not.toBe(object);
      expect(own.items[i]).toEqual(object);
      expect(Object.isFrozen(own.items[i])).toBe(false);
    }
    expect(() => {
      (sharedA.items[0].spec as { nodeName: string }).nodeName = 'changed';
    }).toThrow(TypeError);
  });

  it('keeps a shared object as listed when the store writes the next state: writes still read and write as before', async () => {
    const store = await storeWith(['a1']);
    const [listed] = (await store.list('pods', { shared: true })).items;
    const read = await store.get(key('a1'));
    expect(Object.isFrozen(read)).toBe(false);
    (read.spec as { nodeName: string }).nodeName = 'node-b';
    await store.update(key('a1'), read, read.metadata.resourceVersion!);
    const [after] = (await store.list('pods', { shared: true })).items;
    expect([nodeOf(listed), nodeOf(after)]).toEqual(['node-a', 'node-b']);
    expect(after).not.toBe(listed);
  });

  it("shares every page of a paged list, read at the first page's revision", async () => {
    const store = await storeWith(['a1', 'b1', 'c1']);
    const first = await store.list('pods', { limit: 2, shared: true });
    await store.delete(key('c1'));
    const second = await store.list('pods', { limit: 2, continue: first.continue, shared: true });
    expect([...first.items, ...second.items].map((o) => o.metadata.name)).toEqual(['a1', 'b1', 'c1']);
    expect(second.items.every((o) => Object.isFrozen(o))).toBe(true);
  });

  it("passes through the Api's list, selectors applied", async () => {
    const store = new MemoryStore();
    const api = new Api({ store });
    const pods = api.resource('Pod');
    for (const name of ['web', 'db']) {
      await pods.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'app:v1' }] },
      });
    }
    const [a, b] = await Promise.all([
      pods.list({ labelSelector: 'app=web', shared: true }),
      pods.list({ labelSelector: 'app=web', shared: true }),
    ]);
    expect(a.items.map((o) => o.metadata.name)).toEqual(['web']);
    expect(a.items[0]).toBe(b.items[0]);
    expect((await pods.list({ labelSelector: 'app=web' })).items[0]).not.toBe(a.items[0]);
    await api.close();
    await store.close();
  });
});
