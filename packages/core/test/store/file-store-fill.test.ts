import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, type KubeObject } from '../../src/index.js';
import { scanFrames } from '../../src/store/file-records.js';

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v: name },
});

let dirs: string[] = [];
async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'file-store-fill-'));
  dirs.push(dir);
  return dir;
}
beforeEach(() => {
  dirs = [];
});
afterEach(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Each log segment of `dir`, oldest first, with its bytes and how many of them hold whole records. */
async function segments(dir: string): Promise<{ name: string; bytes: number; recordBytes: number; rest: Buffer }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort();
  return Promise.all(
    names.map(async (name) => {
      const data = await readFile(join(dir, name));
      const { validBytes } = scanFrames(data);
      return { name, bytes: data.length, recordBytes: validBytes, rest: data.subarray(validBytes) };
    }),
  );
}

describe('FileStore log segments written ahead with zeros', () => {
  it('hold zeros past the records while open (so a batch does not grow the file), and only the records once closed', async () => {
    const dir = await newDir();
    const store = await FileStore.open(dir);
    // The second batch reaches past where the first one started the zeros, so it waits for them.
    await store.create(key('a'), configMap('a'));
    await store.create(key('b'), configMap('b'));
    const [open] = await segments(dir);
    expect(open.bytes).toBeGreaterThan(open.recordBytes + 512 * 1024);
    expect(open.rest.every((byte) => byte === 0)).toBe(true);
    await store.close();
    const [closed] = await segments(dir);
    expect(closed.bytes).toBe(closed.recordBytes);
    expect(closed.recordBytes).toBe(open.recordBytes);
  });

  it('after a crash (the directory as an open store left it), reopen with every write, every older segment cut to its records', async () => {
    const dir = await newDir();
    const options = { historyLimit: 5, snapshotEvery: 5 };
    const store = await FileStore.open(dir, options);
    const written: KubeObject[] = [];
    try {
      for (let i = 0; i < 23; i++) written.push(await store.create(key(`cm-${i}`), configMap(`cm-${i}`)));
      // A snapshot started by the last writes is still being written, renamed and its older generation removed
      // in the background; a copy taken meanwhile would race those renames and removals (a real crash stops them).
      await (store as unknown as { snapshotting: Promise<void> | undefined }).snapshotting;
      const open = await segments(dir);
      expect(open.length).toBeGreaterThan(1);
      for (const older of open.slice(0, -1)) expect(older.bytes).toBe(older.recordBytes);
      expect(open.at(-1)?.bytes).toBeGreaterThan(open.at(-1)?.recordBytes ?? 0);
      // What a crash leaves: the files as they are (the LOCK names this live process, so it is left behind).
      const copy = await newDir();
      await cp(dir, copy, { recursive: true, filter: (src) => !src.endsWith('LOCK') });
      const reopened = await FileStore.open(copy, options);
      try {
        const { items, resourceVersion } = await reopened.list('configmaps');
        // A list is in key order.
        expect(items).toEqual([...written].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)));
        expect(resourceVersion).toBe(written.at(-1)?.metadata.resourceVersion);
      } finally {
        await reopened.close();
      }
      for (const segment of await segments(copy)) expect(segment.bytes).toBe(segment.recordBytes);
    } finally {
      await store.close();
    }
  });
});
