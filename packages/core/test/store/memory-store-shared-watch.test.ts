import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { Informer } from '../../src/informer/informer.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { WatchEvent, WatchOptions } from '../../src/store/store.js';

const pod = (name: string, node: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node },
});
const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });

/** Writes a1 (create, update), b1 (create) and deletes a1, with one watcher per option set open from before the first write. */
async function watchWrites(options: WatchOptions[]): Promise<WatchEvent[][]> {
  const store = new MemoryStore();
  const events = options.map(() => [] as WatchEvent[]);
  const subs = options.map((o, i) => store.watch('pods', o).subscribe((e) => events[i].push(e)));
  const a1 = await store.create(key('a1'), pod('a1', 'node-a'));
  await store.update(key('a1'), pod('a1', 'node-b'), a1.metadata.resourceVersion!);
  await store.create(key('b1'), pod('b1', 'node-a'));
  await store.delete(key('a1'));
  for (const s of subs) s.unsubscribe();
  return events;
}

describe('MemoryStore shared watches', () => {
  it('gives every shared watcher the same frozen object, and every other watcher a mutable copy of its own', async () => {
    const [sharedA, sharedB, own] = await watchWrites([{ shared: true }, { shared: true }, {}]);
    expect(sharedA.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED a1',
      'MODIFIED a1',
      'ADDED b1',
      'DELETED a1',
    ]);
    for (const [i, event] of sharedA.entries()) {
      expect(event.object).toBe(sharedB[i].object);
      expect(Object.isFrozen(event.object.metadata)).toBe(true);
      expect(own[i].object).not.toBe(event.object);
      expect(own[i].object).toEqual(event.object);
      expect(Object.isFrozen(own[i].object)).toBe(false);
    }
    expect(() => {
      (sharedA[0].object.metadata as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('shares replayed changes too, and the store still reads and writes them as before', async () => {
    const store = new MemoryStore();
    const start = await store.currentRevision();
    const created = await store.create(key('a1'), pod('a1', 'node-a'));
    const replayed: WatchEvent[] = [];
    const sub = store.watch('pods', { resourceVersion: start, shared: true }).subscribe((e) => replayed.push(e));
    expect(Object.isFrozen(replayed[0].object)).toBe(true);
    const read = await store.get(key('a1'));
    expect(Object.isFrozen(read)).toBe(false);
    (read.spec as { nodeName: string }).nodeName = 'node-c';
    const updated = await store.update(key('a1'), read, created.metadata.resourceVersion!);
    sub.unsubscribe();
    expect(replayed.map((e) => (e.object.spec as { nodeName: string }).nodeName)).toEqual(['node-a', 'node-c']);
    expect(updated.metadata.resourceVersion).toBe(replayed[1].object.metadata.resourceVersion);
  });

  it("lets two informers of one Api cache the store's object instead of a copy each", async () => {
    const store = new MemoryStore();
    const api = new Api({ store });
    const abort = new AbortController();
    const first = new Informer(api, 'Pod');
    const second = new Informer(api, 'Pod');
    first.start(abort.signal);
    second.start(abort.signal);
    await Promise.all([first.synced, second.synced]);
    await api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'app:v1' }] },
    });
    const cached = first.cache.get('default', 'web');
    expect(cached).toBeDefined();
    expect(second.cache.get('default', 'web')).toBe(cached);
    // A plain watch through the Api still gets an object it may change.
    const events: WatchEvent[] = [];
    const sub = api
      .resource('Pod')
      .watch({ resourceVersion: '1' })
      .subscribe((e) => events.push(e));
    expect(events.at(-1)?.object).toEqual(cached);
    expect(Object.isFrozen(events.at(-1)?.object)).toBe(false);
    sub.unsubscribe();
    abort.abort();
    await api.close();
  });
});
