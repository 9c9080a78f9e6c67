import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { WatchEvent } from '../../src/store/store.js';

const pod = (name: string, node: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node },
});
const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });
const onNode = (node: string) => (obj: Readonly<KubeObject>) => (obj.spec as { nodeName: string }).nodeName === node;
const seen = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name}`);

describe('MemoryStore watch filter', () => {
  it('delivers only the live changes whose object passes, and asks before copying (it sees the stored object)', async () => {
    const store = new MemoryStore();
    const events: WatchEvent[] = [];
    const asked: Readonly<KubeObject>[] = [];
    const sub = store
      .watch('pods', {
        filter: (obj) => {
          asked.push(obj);
          return onNode('node-a')(obj);
        },
      })
      .subscribe((e) => events.push(e));

    await store.create(key('a1'), pod('a1', 'node-a'));
    await store.create(key('b1'), pod('b1', 'node-b'));
    const b1 = await store.get(key('b1'));
    await store.update(key('b1'), pod('b1', 'node-a'), b1.metadata.resourceVersion!);
    await store.delete(key('a1'));
    sub.unsubscribe();

    expect(seen(events)).toEqual(['ADDED a1', 'MODIFIED b1', 'DELETED a1']);
    expect(asked).toHaveLength(4);
    // Delivered objects are the watcher's own copies, not the stored ones the filter saw.
    expect(events[0].object).not.toBe(asked[0]);
  });

  it('filters replayed changes too, and a resume after skipped changes does not deliver them again', async () => {
    const store = new MemoryStore();
    const start = await store.currentRevision();
    await store.create(key('a1'), pod('a1', 'node-a'));
    await store.create(key('b1'), pod('b1', 'node-b'));
    const events: WatchEvent[] = [];
    const sub = store
      .watch('pods', { resourceVersion: start, filter: onNode('node-b') })
      .subscribe((e) => events.push(e));
    await store.create(key('a2'), pod('a2', 'node-a'));
    sub.unsubscribe();

    expect(seen(events)).toEqual(['ADDED b1']);
    const last = events[0].object.metadata.resourceVersion!;
    const resumed: WatchEvent[] = [];
    store.watch('pods', { resourceVersion: last, filter: onNode('node-a') }).subscribe((e) => resumed.push(e));
    expect(seen(resumed)).toEqual(['ADDED a2']);
  });
});
