import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore, type KubeObject, NotFoundError } from '../../src/index.js';
import { CommitLog } from '../../src/store/file-commit-log.js';
import { frameJson } from '../../src/store/file-records.js';

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string, v = name): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-store-recovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Opens the store in `dir`, runs `body`, closes it. */
async function withStore<T>(
  body: (store: FileStore) => Promise<T>,
  options?: Parameters<typeof FileStore.open>[1],
): Promise<T> {
  const store = await FileStore.open(dir, options);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

async function newestSegment(): Promise<string> {
  const segments = (await readdir(dir)).filter((n) => n.startsWith('log-')).sort();
  return join(dir, segments[segments.length - 1]);
}

describe('FileStore recovery', () => {
  it('reopens with every object and revision, and the revision goes on from there', async () => {
    const written = await withStore(async (s) => {
      const a = await s.create(key('a'), configMap('a'));
      const b = await s.create(key('b'), configMap('b'));
      await s.update(key('a'), configMap('a', 'a2'), a.metadata.resourceVersion as string);
      await s.delete(key('b'), b.metadata.resourceVersion);
      return s.list('configmaps');
    });
    await withStore(async (s) => {
      expect(await s.list('configmaps')).toEqual(written);
      const c = await s.create(key('c'), configMap('c'));
      expect(Number(c.metadata.resourceVersion)).toBe(Number(written.resourceVersion) + 1);
    });
  });

  // Each row damages the newest segment's end the way a crash can leave it; the whole records stay, the rest goes.
  it.each([
    ['a half-written record', (file: string, size: number) => truncate(file, size - 7)],
    ['a tail of zeros', (file: string) => appendFile(file, Buffer.alloc(4096))],
    [
      'a record with a bad checksum',
      (file: string) => appendFile(file, Buffer.from([5, 0, 0, 0, 1, 2, 3, 4, 104, 101, 108, 108, 111])),
    ],
  ])('cuts off %s and keeps every whole record before it', async (what, damage) => {
    const kept = await withStore(async (s) => {
      for (let i = 0; i < 5; i++) await s.create(key(`cm-${i}`), configMap(`cm-${i}`));
      return s.list('configmaps');
    });
    const file = await newestSegment();
    const size = (await readFile(file)).length;
    await damage(file, size);
    await withStore(async (s) => {
      const { items } = await s.list('configmaps');
      const expected = what === 'a half-written record' ? kept.items.slice(0, 4) : kept.items;
      expect(items).toEqual(expected);
      // The next write goes after what was kept, and survives another reopen.
      await s.create(key('next'), configMap('next'));
    });
    await withStore(async (s) => expect((await s.get(key('next'))).data).toEqual({ v: 'next' }));
  });

  // 25 writes leave fewer than `historyLimit` records after the newest snapshot, so recovery starts from the
  // older one and needs the segment between the two; a segment older than the base is not read at all.
  it('refuses a directory damaged in a segment it needs other than the newest, naming the file', async () => {
    await withStore(
      async (s) => {
        for (let i = 0; i < 25; i++) await s.create(key(`cm-${i}`), configMap(`cm-${i}`));
      },
      { historyLimit: 10, snapshotEvery: 10 },
    );
    const segments = (await readdir(dir)).filter((n) => n.startsWith('log-')).sort();
    expect(segments.length).toBeGreaterThan(1);
    await truncate(join(dir, segments[0]), 20);
    await expect(FileStore.open(dir, { historyLimit: 10, snapshotEvery: 10 })).rejects.toThrow(
      new RegExp(`${segments[0]} is damaged at byte`),
    );
  });

  it('ignores a snapshot a crash left half-written, and keeps the revision across snapshots of an emptied store', async () => {
    const revision = await withStore(
      async (s) => {
        for (let i = 0; i < 25; i++) {
          const o = await s.create(key(`cm-${i}`), configMap(`cm-${i}`));
          await s.delete(key(`cm-${i}`), o.metadata.resourceVersion);
        }
        return s.currentRevision();
      },
      { historyLimit: 10, snapshotEvery: 10 },
    );
    await writeFile(join(dir, 'snapshot-0000000000009999.snap.tmp'), 'half');
    await withStore(
      async (s) => {
        expect(await s.currentRevision()).toBe(revision);
        expect((await s.list('configmaps')).items).toEqual([]);
        expect((await s.create(key('again'), configMap('again'))).metadata.resourceVersion).toBe(
          String(Number(revision) + 1),
        );
      },
      { historyLimit: 10, snapshotEvery: 10 },
    );
    expect((await readdir(dir)).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('snapshots only what is on disk: a write queued when the snapshot is taken, whose batch then fails, is not in it', async () => {
    const options = { historyLimit: 5, snapshotEvery: 5 };
    await withStore(async (s) => {
      for (let i = 0; i < 4; i++) await s.create(key(`cm-${i}`), configMap(`cm-${i}`));
      const append = CommitLog.prototype.append;
      let refused: Promise<void> | undefined;
      vi.spyOn(CommitLog.prototype, 'append').mockImplementation(function (this: CommitLog, frames) {
        if (refused) return Promise.reject(new Error('the disk refused this batch'));
        // The 5th record reaches `snapshotEvery`. Once it is on disk, and before it is applied, a write is
        // queued: the snapshot then due is taken while that write waits, and its batch then fails.
        return append.call(this, frames).then(() => {
          refused = expect(s.create(key('doomed'), configMap('doomed'))).rejects.toThrow('the disk refused this batch');
        });
      });
      await s.create(key('cm-4'), configMap('cm-4'));
      await refused;
      vi.restoreAllMocks();
      // Enough records after the new snapshot that a reopen starts from it.
      for (let i = 5; i < 10; i++) await s.create(key(`cm-${i}`), configMap(`cm-${i}`));
    }, options);
    expect((await readdir(dir)).filter((n) => n.startsWith('snapshot-'))).toContain('snapshot-0000000000000006.snap');
    await withStore(async (s) => {
      await expect(s.get(key('doomed'))).rejects.toThrow(NotFoundError);
      expect((await s.list('configmaps')).items.map((o) => o.metadata.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `cm-${i}`),
      );
    }, options);
  });

  it('refuses a snapshot of another format, naming the file and the format', async () => {
    const file = join(dir, 'snapshot-0000000000000001.snap');
    await writeFile(file, frameJson({ format: 'flotilla.file-store.snapshot/v1', revision: 1, count: 0 }));
    await expect(FileStore.open(dir)).rejects.toThrow(
      `${file} is not a whole FileStore snapshot (format flotilla.file-store.snapshot/v1, not flotilla.file-store.snapshot/v2)`,
    );
  });

  it('resumes a watch after a reopen from a revision written before it, across a snapshot', async () => {
    const options = { historyLimit: 20, snapshotEvery: 20 };
    const from = await withStore(async (s) => {
      for (let i = 0; i < 30; i++) await s.create(key(`early-${i}`), configMap(`early-${i}`));
      const at = await s.currentRevision();
      for (let i = 0; i < 15; i++) await s.create(key(`late-${i}`), configMap(`late-${i}`));
      return at;
    }, options);
    await withStore(async (s) => {
      const events = await firstValueFrom(s.watch('configmaps', { resourceVersion: from }).pipe(take(15), toArray()));
      expect(events.map((e) => `${e.type} ${e.object.metadata.name} @${e.object.metadata.resourceVersion}`)).toEqual(
        Array.from({ length: 15 }, (_, i) => `ADDED late-${i} @${Number(from) + 1 + i}`),
      );
    }, options);
  });

  it('refuses a second open of a directory in use, naming the process; takes over the lock of a process that is gone', async () => {
    await withStore(async () => {
      await expect(FileStore.open(dir)).rejects.toThrow(`${dir} is in use by process ${process.pid} (this one)`);
    });
    // Closed: free again.
    await withStore(async (s) => expect(await s.currentRevision()).toBe('1'));
    // A lock left by a crashed process: a child that has exited.
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('exit', resolve));
    await writeFile(join(dir, 'LOCK'), String(child.pid));
    await withStore(async (s) => expect(await s.currentRevision()).toBe('1'));
  });
});
