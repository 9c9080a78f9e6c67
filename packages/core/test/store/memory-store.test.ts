import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreConformance, memoryStoreFixture } from '../../src/conformance/index.js';
import { BadRequestError, ExpiredError, type KubeObject, MemoryStore } from '../../src/index.js';

describe('MemoryStore', () => {
  describeStoreConformance('MemoryStore', async () => memoryStoreFixture());
});

const pod = (name: string, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
});
const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });

describe('MemoryStore specifics', () => {
  it('delivers events synchronously, before the write settles', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    store.watch('pods').subscribe((e) => seen.push(e.object.metadata.name));
    const write = store.create(key('a'), pod('a'));
    expect(seen).toEqual(['a']);
    await write;
  });

  it('keeps revision order for every watcher when a watcher writes from its handler', async () => {
    const store = new MemoryStore();
    const first: string[] = [];
    const second: string[] = [];
    store.watch('pods').subscribe((e) => {
      first.push(e.object.metadata.resourceVersion!);
      if (e.object.metadata.name === 'a') void store.create(key('b'), pod('b'));
    });
    store.watch('pods').subscribe((e) => second.push(e.object.metadata.resourceVersion!));
    await store.create(key('a'), pod('a'));
    expect(first).toEqual(['2', '3']);
    expect(second).toEqual(['2', '3']);
  });

  it('replays writes a watcher makes while it is being replayed to, once each', async () => {
    const store = new MemoryStore();
    await store.create(key('a'), pod('a'));
    const seen: string[] = [];
    store.watch('pods', { resourceVersion: '1' }).subscribe((e) => {
      seen.push(`${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);
      if (e.object.metadata.name === 'a') void store.create(key('b'), pod('b'));
    });
    await store.create(key('c'), pod('c'));
    expect(seen).toEqual(['a@2', 'b@3', 'c@4']);
  });

  it('keeps exactly historyLimit writes for resuming', async () => {
    const store = new MemoryStore({ historyLimit: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await store.create(key(n), pod(n)); // revisions 2..6
    const names: string[] = [];
    store.watch('pods', { resourceVersion: '3' }).subscribe((e) => names.push(e.object.metadata.name));
    expect(names).toEqual(['c', 'd', 'e']);
    let error: unknown;
    store.watch('pods', { resourceVersion: '2' }).subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(ExpiredError);
  });

  it('keeps the newest historyLimit writes across many compactions of its buffer', async () => {
    const store = new MemoryStore({ historyLimit: 10 });
    for (let i = 0; i < 5000; i++) await store.create(key(`p${i}`), pod(`p${i}`)); // revisions 2..5001
    const names: string[] = [];
    store.watch('pods', { resourceVersion: '4991' }).subscribe((e) => names.push(e.object.metadata.name));
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `p${4990 + i}`));
    let error: unknown;
    store.watch('pods', { resourceVersion: '4990' }).subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(ExpiredError);
  });

  it('rejects a revision that is not a decimal number', async () => {
    const store = new MemoryStore();
    await expect(store.update(key('a'), pod('a'), 'abc')).rejects.toBeInstanceOf(BadRequestError);
    let error: unknown;
    store.watch('pods', { resourceVersion: '1; rm -rf /' }).subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it('completes every watch on close', async () => {
    const store = new MemoryStore();
    let completed = false;
    store.watch('pods').subscribe({ complete: () => (completed = true) });
    await store.close();
    expect(completed).toBe(true);
  });

  it('persists objects and the revision through snapshot() and reload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'memory-store-'));
    try {
      const snapshotFile = join(dir, 'store.json');
      const before = new MemoryStore({ snapshotFile });
      await before.create(key('a'), {
        ...pod('a'),
        metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } },
      });
      await before.create(
        { resource: 'nodes', name: 'n1' },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      );
      const b = await before.create(key('b'), pod('b'));
      await before.delete(key('b'), b.metadata.resourceVersion);
      await before.snapshot();

      const after = new MemoryStore({ snapshotFile });
      expect(await after.currentRevision()).toBe(await before.currentRevision());
      expect(await after.list('pods')).toEqual(await before.list('pods'));
      expect(await after.get({ resource: 'nodes', name: 'n1' })).toEqual(
        await before.get({ resource: 'nodes', name: 'n1' }),
      );
      expect((await after.list('pods', { labelSelector: 'app=web' })).items).toHaveLength(1);
      const next = await after.create(key('c'), pod('c'));
      expect(Number(next.metadata.resourceVersion)).toBe(Number(await before.currentRevision()) + 1);
      // History did not survive: resuming from before the snapshot must relist.
      let error: unknown;
      after.watch('pods', { resourceVersion: '2' }).subscribe({ error: (e) => (error = e) });
      expect(error).toBeInstanceOf(ExpiredError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '{"format": ', /not valid JSON/],
    ['another format', '{"format": "something-else"}', /not a MemoryStore snapshot/],
  ])('refuses to start from a snapshot file that is %s', async (_what, content, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'memory-store-'));
    try {
      const snapshotFile = join(dir, 'store.json');
      await writeFile(snapshotFile, content);
      expect(() => new MemoryStore({ snapshotFile })).toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to snapshot without a file, saying how to configure one', async () => {
    await expect(new MemoryStore().snapshot()).rejects.toThrow(/snapshotFile/);
  });
});
