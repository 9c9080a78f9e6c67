import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  exportStore,
  FileStore,
  importStore,
  type KubeObject,
  MemoryStore,
  openStore,
  parseStoreUrl,
} from '../../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-transfer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const object = (kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace, uid: `uid-${name}` },
});

async function populated(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.create({ resource: 'namespaces', name: 'shop' }, object('Namespace', 'shop'));
  for (let i = 0; i < 1200; i++) {
    await store.create({ resource: 'pods', namespace: 'shop', name: `p-${i}` }, object('Pod', `p-${i}`, 'shop'));
  }
  return store;
}

describe('parseStoreUrl', () => {
  it.each([
    ['memory', { kind: 'memory' }],
    ['etcd://127.0.0.1:2379', { kind: 'etcd', endpoints: ['http://127.0.0.1:2379'] }],
    ['etcd://a:1,b:2', { kind: 'etcd', endpoints: ['http://a:1', 'http://b:2'] }],
    ['file:///var/lib/flotilla', { kind: 'file', path: '/var/lib/flotilla' }],
    ['file://./data', { kind: 'file', path: './data' }],
  ])('reads %s', (url, location) => {
    expect(parseStoreUrl(url)).toEqual(location);
  });

  it.each([
    ['redis://x', 'store redis://x: expected memory, etcd://HOST:PORT[,HOST:PORT] or file://PATH'],
    ['file://', 'store file://: expected memory'],
    ['etcd://a;rm -rf /:1', 'store: "a;rm -rf /:1" is not HOST:PORT'],
  ])('refuses %s with a BadRequestError naming the field', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(BadRequestError);
    expect(() => parseStoreUrl(url)).toThrow(message);
  });
});

describe('exportStore / importStore', () => {
  it('moves every object of every resource, keeping all but resourceVersion', async () => {
    const source = await populated();
    const file = join(dir, 'export.jsonl');
    expect(await exportStore(source, file)).toEqual({ resources: { namespaces: 1, pods: 1200 }, objects: 1201 });
    const target = await openStore(`file://${join(dir, 'target')}`);
    try {
      expect(await importStore(target, file)).toEqual({ resources: { namespaces: 1, pods: 1200 }, objects: 1201 });
      for (const resource of ['namespaces', 'pods']) {
        const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
        const before = (await source.list(resource)).items.map(strip);
        const after = (await target.list(resource)).items.map(strip);
        expect(after).toEqual(before);
      }
    } finally {
      await target.close();
    }
  });

  it('exports only the resources asked for', async () => {
    const file = join(dir, 'export.jsonl');
    expect(await exportStore(await populated(), file, { resources: ['namespaces'] })).toEqual({
      resources: { namespaces: 1 },
      objects: 1,
    });
  });

  it('refuses a store that already holds an exported resource, writing nothing', async () => {
    const file = join(dir, 'export.jsonl');
    await exportStore(await populated(), file);
    const target = new MemoryStore();
    await target.create({ resource: 'pods', namespace: 'shop', name: 'p-0' }, object('Pod', 'p-0', 'shop'));
    const revision = await target.currentRevision();
    await expect(importStore(target, file)).rejects.toThrow(/store: already holds pods \(shop\/p-0\)/);
    expect(await target.currentRevision()).toBe(revision);
  });

  // Each row spoils a good export the way a cut copy or a wrong file would; the import writes nothing.
  it.each([
    ['cut short (no trailer)', (text: string) => text.split('\n').slice(0, 100).join('\n'), /no trailer/],
    ['not an export', () => '{"hello":1}\n{"end":"x"}\n', /no flotilla.store-export\/v1 header/],
    ['a line that is not JSON', (text: string) => text.replace('{"resource":"pods"', '{oops'), /line \d+ is not JSON/],
    ['empty', () => '', /no flotilla.store-export\/v1 header/],
  ])('refuses a file %s with a BadRequestError, writing nothing', async (_, spoil, message) => {
    const file = join(dir, 'export.jsonl');
    await exportStore(await populated(), file);
    await writeFile(file, spoil(await readFile(file, 'utf8')));
    const target = await FileStore.open(join(dir, 'target'));
    try {
      const err = await importStore(target, file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toMatch(message);
      expect(await target.resources()).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
