import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, type KubeObject, type WatchEvent } from '../../src/index.js';

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string, v: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v },
});

let dir: string;
let store: FileStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-store-hand-back-'));
  store = await FileStore.open(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FileStore: the object a write hands over', () => {
  // Nobody watching: the store keeps the record's bytes only (parsed when first read) and gives the writer its
  // object back instead of a copy. A watch open: every watcher reads the object at once, so the store keeps it
  // parsed and the writer gets a copy.
  const table = [
    { watching: false, writerGetsItsOwnObject: true },
    { watching: true, writerGetsItsOwnObject: false },
  ];
  for (const { watching, writerGetsItsOwnObject } of table) {
    it(`${watching ? 'with' : 'without'} a watch open: ${writerGetsItsOwnObject ? 'its own object back' : 'a copy'}, reads and events equal to it and apart from it`, async () => {
      const events: WatchEvent[] = [];
      const sub = watching ? store.watch('configmaps').subscribe((e) => events.push(e)) : undefined;

      const input = configMap('a', '1');
      const created = await store.create(key('a'), input, { handOver: true });
      const next = configMap('a', '2');
      const updated = await store.update(key('a'), next, created.metadata.resourceVersion!, { handOver: true });
      sub?.unsubscribe();

      expect(created === input).toBe(writerGetsItsOwnObject);
      expect(updated === next).toBe(writerGetsItsOwnObject);
      expect(updated).toEqual({
        ...configMap('a', '2'),
        metadata: { name: 'a', namespace: 'default', resourceVersion: '3' },
      });
      const stored = await store.get(key('a'));
      expect(stored).toEqual(updated);
      (updated.data as Record<string, string>).v = 'changed by the writer';
      expect(await store.get(key('a'))).toEqual(stored);
      if (watching) expect(events.map((e) => e.object)).toEqual([created, stored]);
      // Replayed from the history, whichever way the write was kept.
      const replayed: WatchEvent[] = [];
      store
        .watch('configmaps', { resourceVersion: '1' })
        .subscribe((e) => replayed.push(e))
        .unsubscribe();
      expect(replayed.map((e) => [e.type, e.object.data])).toEqual([
        ['ADDED', { v: '1' }],
        ['MODIFIED', { v: '2' }],
      ]);
    });
  }
});
