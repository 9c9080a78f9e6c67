import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdHandle, startEtcd } from '../../../../../scripts/etcd.js';
import {
  Api,
  type EnumerableStore,
  EtcdStore,
  exportStore,
  FileStore,
  importStore,
  type KubeObject,
} from '../../../src/index.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '../../../../../scripts/flotilla-store.ts');

/** Runs scripts/flotilla-store.ts and returns its exit code and output. */
function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** Every object of a store by resource and key, without `resourceVersion` (each store numbers its own). */
async function contents(store: EnumerableStore): Promise<Map<string, KubeObject>> {
  const all = new Map<string, KubeObject>();
  for (const resource of await store.resources()) {
    for (const object of (await store.list(resource)).items) {
      const { resourceVersion: _, ...metadata } = object.metadata;
      all.set(`${resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, { ...object, metadata });
    }
  }
  return all;
}

/** A small cluster's state written through the Api: namespaces, nodes, workloads, config. */
async function populate(store: FileStore): Promise<void> {
  const api = new Api({ store });
  await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  for (const name of ['node-a', 'node-b']) {
    await api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { zone: name } } });
  }
  const labels = { app: 'web' };
  await api.resource('Deployment').create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });
  for (let i = 0; i < 600; i++) {
    await api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `config-${i}`, namespace: i % 2 ? 'shop' : 'default', annotations: { i: String(i) } },
      data: { key: `value-${i}` },
    });
  }
  api.close();
}

describe('moving a cluster between a FileStore and a real etcd with export/import', () => {
  let etcd: EtcdHandle;
  let dir: string;
  beforeAll(async () => {
    etcd = await startEtcd({ members: 1 });
    dir = await mkdtemp(join(tmpdir(), 'store-transfer-'));
  });
  afterAll(async () => {
    await etcd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('file store -> etcd -> file store keeps every object, compared object by object', async () => {
    const source = await FileStore.open(join(dir, 'source'));
    const toEtcd = new EtcdStore({ endpoints: etcd.endpoints, prefix: '/moved/registry' });
    const back = await FileStore.open(join(dir, 'back'));
    try {
      await populate(source);
      const original = await contents(source);
      expect(original.size).toBeGreaterThan(600);

      const exported = await exportStore(source, join(dir, 'from-file.jsonl'));
      expect(exported.objects).toBe(original.size);
      const imported = await importStore(toEtcd, join(dir, 'from-file.jsonl'));
      expect(imported).toEqual(exported);
      const inEtcd = await contents(toEtcd);
      expect([...inEtcd.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [k, object] of original) expect(inEtcd.get(k), k).toEqual(object);

      await exportStore(toEtcd, join(dir, 'from-etcd.jsonl'));
      await importStore(back, join(dir, 'from-etcd.jsonl'));
      const returned = await contents(back);
      expect([...returned.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [k, object] of original) expect(returned.get(k), k).toEqual(object);
    } finally {
      await Promise.all([source.close(), toEtcd.close(), back.close()]);
    }
  });

  it('scripts/flotilla-store.ts moves a stopped cluster from a FileStore to etcd, and refuses a second import', async () => {
    const path = join(dir, 'cli-source');
    const source = await FileStore.open(path);
    await populate(source);
    const original = await contents(source);
    await source.close();
    const file = join(dir, 'cli.jsonl');
    const endpoint = etcd.endpoints[0].replace('http://', 'etcd://');

    const exported = await runCli(['export', '--store', `file://${path}`, '--file', file]);
    expect(exported).toEqual({
      code: 0,
      out: expect.stringContaining(`exported to ${file}: ${original.size} objects`),
    });
    const imported = await runCli(['import', '--store', endpoint, '--file', file]);
    expect(imported).toEqual({
      code: 0,
      out: expect.stringContaining(`imported from ${file}: ${original.size} objects`),
    });

    const inEtcd = new EtcdStore({ endpoints: etcd.endpoints });
    try {
      const moved = await contents(inEtcd);
      expect([...moved.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [k, object] of original) expect(moved.get(k), k).toEqual(object);
    } finally {
      await inEtcd.close();
    }
    expect(await runCli(['import', '--store', endpoint, '--file', file])).toEqual({
      code: 2,
      out: expect.stringContaining('import into an empty store'),
    });
  });
});
