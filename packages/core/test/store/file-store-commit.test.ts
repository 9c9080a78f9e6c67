import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore, FileStoreWriteError, type KubeObject, NotFoundError, type WatchEvent } from '../../src/index.js';
import { CommitLog } from '../../src/store/file-commit-log.js';

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
});

let dir: string;
let store: FileStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-store-commit-'));
  store = await FileStore.open(dir);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FileStore group commit', () => {
  // Three batches take turns: some are synced while the writers of another prepare their next writes.
  it('writes 64 concurrent writes in three synced appends, each sent right behind the one before', async () => {
    // The first batch is held on its way until the third is sent: on a loaded machine it could otherwise
    // land first, and the rest would then be shared out again, as it rightly is with fewer in flight.
    const append = CommitLog.prototype.append;
    const sizes: number[] = [];
    let thirdSent: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      thirdSent = resolve;
    });
    vi.spyOn(CommitLog.prototype, 'append').mockImplementation(function (this: CommitLog, records) {
      sizes.push(records.length);
      const landed = append.call(this, records);
      if (sizes.length === 3) thirdSent();
      return sizes.length === 1 ? landed.then(() => held) : landed;
    });
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.create(key(`cm-${i}`), configMap(`cm-${i}`))));
    expect(sizes).toEqual([22, 21, 21]);
  });

  it('acknowledges a write, and shows it to reads and watches, only once its batch is on disk', async () => {
    let release: () => void = () => undefined;
    const onDisk = new Promise<void>((resolve) => {
      release = resolve;
    });
    const append = CommitLog.prototype.append;
    vi.spyOn(CommitLog.prototype, 'append').mockImplementation(async function (this: CommitLog, records) {
      await onDisk;
      return append.call(this, records);
    });
    const seen: string[] = [];
    store.watch('configmaps').subscribe((e) => seen.push(e.object.metadata.name));
    let acknowledged = false;
    const write = store.create(key('a'), configMap('a')).then((o) => {
      acknowledged = true;
      return o;
    });
    const read = store.get(key('a'));
    await new Promise<void>((resume) => setImmediate(resume));
    expect({ acknowledged, seen, revision: await store.currentRevision() }).toEqual({
      acknowledged: false,
      seen: [],
      revision: '1',
    });
    release();
    const written = await write;
    // The read was issued after the write was accepted, so it waited for it instead of answering NotFound.
    expect(await read).toEqual(written);
    expect(seen).toEqual(['a']);
  });

  it('fails a batch the disk refuses, and every write checked against it; the next write reuses nothing', async () => {
    const before = await store.create(key('kept'), configMap('kept'));
    const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    vi.spyOn(CommitLog.prototype, 'append').mockRejectedValueOnce(new FileStoreWriteError(join(dir, 'log'), enospc));
    // `b` updates `a` before `a` is on disk: it was checked against `a`, so it must fail with it.
    const a = store.create(key('a'), configMap('a'));
    const b = store.update(key('a'), configMap('a'), String(Number(before.metadata.resourceVersion) + 1));
    await expect(a).rejects.toThrow(FileStoreWriteError);
    await expect(b).rejects.toThrow(FileStoreWriteError);
    await expect(store.get(key('a'))).rejects.toThrow(NotFoundError);
    // Neither revision was ever seen, so the next write takes the first of them; `a` can be created again.
    const again = await store.create(key('a'), configMap('a'));
    expect(Number(again.metadata.resourceVersion)).toBe(Number(before.metadata.resourceVersion) + 1);
  });
});

describe('FileStore: the object a write hands over', () => {
  // Nobody watching: the store keeps the record's bytes only (parsed when first read) and gives the writer its
  // object back instead of a copy. A watch open: every watcher reads the object at once, so the store keeps it
  // parsed and the writer gets a copy.
  const withData = (v: string): KubeObject => ({ ...configMap('a'), data: { v } });
  const table = [
    { watching: false, writerGetsItsOwnObject: true },
    { watching: true, writerGetsItsOwnObject: false },
  ];
  for (const { watching, writerGetsItsOwnObject } of table) {
    it(`${watching ? 'with' : 'without'} a watch open: ${writerGetsItsOwnObject ? 'its own object back' : 'a copy'}, reads and events equal to it and apart from it`, async () => {
      const events: WatchEvent[] = [];
      const sub = watching ? store.watch('configmaps').subscribe((e) => events.push(e)) : undefined;

      const input = withData('1');
      const created = await store.create(key('a'), input, { handOver: true });
      const next = withData('2');
      const updated = await store.update(key('a'), next, created.metadata.resourceVersion!, { handOver: true });
      sub?.unsubscribe();

      expect(created === input).toBe(writerGetsItsOwnObject);
      expect(updated === next).toBe(writerGetsItsOwnObject);
      expect(updated).toEqual({
        ...withData('2'),
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
