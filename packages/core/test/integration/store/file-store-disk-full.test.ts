import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore, FileStoreWriteError, type KubeObject } from '../../../src/index.js';

/** A tmpfs of `size` at `dir` (needs root): a disk that really fills. */
function mountTmpfs(dir: string, size: string, remount = false): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `${remount ? 'remount,' : ''}size=${size}`, 'tmpfs', dir]);
}

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string, bytes: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { blob: name.padEnd(bytes, '.') },
});

describe('FileStore on a disk that fills (a 1 MiB tmpfs)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-store-full-'));
    mountTmpfs(dir, '1m');
  });
  afterAll(async () => {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails writes with a clear error, loses nothing acknowledged, and takes writes again once space returns', async () => {
    const store = await FileStore.open(dir, { historyLimit: 50, snapshotEvery: 50 });
    try {
      await fillAndRecover(store);
    } finally {
      await store.close();
    }
  });

  async function fillAndRecover(store: FileStore): Promise<void> {
    const acked = new Map<string, KubeObject>();
    const failures: unknown[] = [];
    let next = 0;
    // Eight writers fill the disk with 16 KiB objects; each stops at its first failure.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const name = `cm-${next++}`;
          try {
            acked.set(name, await store.create(key(name), configMap(name, 16 * 1024)));
          } catch (err) {
            failures.push(err);
            return;
          }
        }
      }),
    );
    expect(acked.size).toBeGreaterThan(10);
    expect(failures.length).toBeGreaterThan(0);
    for (const err of failures) {
      expect(err).toBeInstanceOf(FileStoreWriteError);
      expect((err as FileStoreWriteError).code).toBe('ENOSPC');
      expect((err as Error).message).toMatch(/the disk is full\): the write was not stored\. Free space/);
    }
    // Nothing acknowledged is lost, and nothing refused shows.
    for (const [name, object] of acked) expect(await store.get(key(name))).toEqual(object);
    const { items } = await store.list('configmaps');
    expect(items.map((o) => o.metadata.name).sort()).toEqual([...acked.keys()].sort());

    // Space returns: the same store takes writes again (more than filled the disk before).
    mountTmpfs(dir, '8m', true);
    const lastAcked = Math.max(...[...acked.values()].map((o) => Number(o.metadata.resourceVersion)));
    for (let i = 0; i < 100; i++) {
      const name = `after-${i}`;
      acked.set(name, await store.create(key(name), configMap(name, 16 * 1024)));
    }
    const after = acked.get('after-99') as KubeObject;
    expect(Number(acked.get('after-0')?.metadata.resourceVersion)).toBeGreaterThan(lastAcked);
    await store.close();

    // And a reopen finds exactly the acknowledged writes, with their revisions.
    const reopened = await FileStore.open(dir, { historyLimit: 50, snapshotEvery: 50 });
    try {
      const reread = await reopened.list('configmaps');
      expect(reread.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))).toEqual(
        [...acked.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
      );
      expect(reread.resourceVersion).toBe(after.metadata.resourceVersion);
    } finally {
      await reopened.close();
    }
  }
});
