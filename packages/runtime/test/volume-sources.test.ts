import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { downwardApiFile, persistentVolumePath, type VolumeSources } from '../src/index.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u-1',
    labels: { 'app.kubernetes.io/name': 'web', tier: 'front' },
    annotations: { note: 'say "hi"' },
  },
  spec: { containers: [] },
};

describe('downwardApiFile', () => {
  it.each([
    { field: 'metadata.name', content: 'web-1' },
    { field: 'metadata.namespace', content: 'shop' },
    { field: 'metadata.uid', content: 'u-1' },
    { field: "metadata.labels['tier']", content: 'front' },
    { field: 'metadata.labels', content: 'app.kubernetes.io/name="web"\ntier="front"' },
    { field: 'metadata.annotations', content: 'note="say \\"hi\\""' },
  ])('projects $field', ({ field, content }) => {
    expect(downwardApiFile(pod, field)).toBe(content);
  });

  it.each(['status.podIP', 'spec.nodeName'])('refuses %s, which Kubernetes refuses in volumes', (field) => {
    expect(() => downwardApiFile(pod, field)).toThrow(/is not supported; use metadata\.name/);
  });
});

function sources(claim?: Partial<PersistentVolumeClaim>, pv?: PersistentVolume['spec']): VolumeSources {
  return {
    configMap: async () => undefined,
    secret: async () => undefined,
    persistentVolumeClaim: async (namespace, name) =>
      claim && {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace },
        spec: {},
        ...claim,
      },
    persistentVolume: async (name) =>
      pv && { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: pv },
  };
}

const bound = { spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' as const } };

describe('persistentVolumePath', () => {
  it.each([
    { what: 'a missing claim', src: sources(), error: 'persistentvolumeclaim "shop/data" not found; create it' },
    {
      what: 'a pending claim',
      src: sources({ status: { phase: 'Pending' } }),
      error: 'persistentvolumeclaim "shop/data" is not bound (phase Pending)',
    },
    { what: 'a claim bound to a missing volume', src: sources(bound), error: 'persistentvolume "pv-1" bound to claim' },
    {
      what: 'a volume that is not hostPath or local',
      src: sources(bound, { capacity: { storage: '1Gi' } }),
      error: 'is neither a hostPath nor a local volume',
    },
  ])('refuses $what with a message that says what to do', async ({ src, error }) => {
    await expect(persistentVolumePath('shop', 'data', src)).rejects.toThrow(error);
  });

  it.each([
    { kind: 'hostPath', spec: (path: string) => ({ hostPath: { path } }) },
    { kind: 'local', spec: (path: string) => ({ local: { path } }) },
  ])('resolves a bound claim to its $kind volume path', async ({ spec }) => {
    expect(await persistentVolumePath('shop', 'data', sources(bound, spec('/srv/data')))).toBe('/srv/data');
  });

  it('creates a DirectoryOrCreate hostPath that does not exist yet', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-pv-'));
    try {
      const path = join(root, 'new');
      const src = sources(bound, { hostPath: { path, type: 'DirectoryOrCreate' } });
      expect(await persistentVolumePath('shop', 'data', src)).toBe(path);
      expect((await stat(path)).isDirectory()).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
