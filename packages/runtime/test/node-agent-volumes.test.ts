import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { advance, getPod, type Harness, pod, start, until } from './agent-harness.js';

const RESYNC_MS = 60_000;
/**
 * Fake time a refresh may take after the resync: the file writes run on the real filesystem while `until`
 * steps fake time 100 ms per real turn, and at load 15 the writes outlasted 10 s (100 turns). Below one
 * period, so a refresh missed by the first resync and done by the second still fails; "not before the
 * resync" is checked on its own.
 */
const REFRESH_SLACK_MS = 45_000;

/** The host directory mounted at `mountPath` in the pod's running `app` container. */
async function hostDir(h: Harness, mountPath: string): Promise<string> {
  const [c] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
  const mount = h.runtime.containerConfig(c.id).mounts?.find((m) => m.containerPath === mountPath);
  if (!mount) throw new Error(`no mount at ${mountPath}`);
  return mount.hostPath;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

function podWithVolume(name: string, volume: NonNullable<Pod['spec']['volumes']>[number]): Pod {
  return pod(name, {
    volumes: [volume],
    containers: [{ name: 'app', image: 'app:v1', volumeMounts: [{ name: volume.name, mountPath: '/data' }] }],
  });
}

const running = (h: Harness, name: string) => async () => (await getPod(h, name)).status?.phase === 'Running';

describe('NodeAgent ConfigMap and Secret volumes', () => {
  it.each([
    {
      kind: 'ConfigMap',
      volume: { name: 'data', configMap: { name: 'src' } },
      write: (h: Harness, data: Record<string, string>) =>
        h.api.apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'src', namespace: 'default' },
          data,
        }),
    },
    {
      kind: 'Secret',
      volume: { name: 'data', secret: { secretName: 'src' } },
      write: (h: Harness, data: Record<string, string>) =>
        h.api.apply({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'src', namespace: 'default' },
          data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        }),
    },
  ])('projects $kind keys as files and refreshes them on the periodic resync, not before', async ({
    volume,
    write,
  }) => {
    const h = await start();
    await write(h, { mode: 'fast', level: '3' });
    await h.api.resource('Pod').create(podWithVolume('cfg', volume));
    await until(h, running(h, 'cfg'));
    const dir = await hostDir(h, '/data');
    expect([read(dir, 'mode'), read(dir, 'level')]).toEqual(['fast', '3']);

    await write(h, { mode: 'slow' });
    await advance(h, 1000);
    expect(read(dir, 'mode')).toBe('fast');
    await until(h, async () => read(dir, 'mode') === 'slow', RESYNC_MS + REFRESH_SLACK_MS);
    expect(existsSync(join(dir, 'level'))).toBe(false);
  });
});

describe('NodeAgent downwardAPI volumes', () => {
  const volume = {
    name: 'info',
    downwardAPI: {
      items: [
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'meta/tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
      ],
    },
  };

  it('writes metadata fields and label maps, and follows label changes on the resync', async () => {
    const h = await start();
    const labelled = podWithVolume('dw', volume);
    labelled.metadata.labels = { tier: 'front', app: 'web' };
    await h.api.resource('Pod').create(labelled);
    await until(h, running(h, 'dw'));
    const dir = await hostDir(h, '/data');
    expect(read(dir, 'name')).toBe('dw');
    expect(read(dir, 'labels')).toBe('app="web"\ntier="front"');
    expect(read(dir, 'meta/tier')).toBe('front');

    await h.api.resource('Pod').patch('default', 'dw', { metadata: { labels: { tier: 'back' } } });
    await until(h, async () => read(dir, 'meta/tier') === 'back', RESYNC_MS + REFRESH_SLACK_MS);
    expect(read(dir, 'labels')).toBe('app="web"\ntier="back"');
  });

  it('refuses status fields with CreateContainerConfigError and says to use an env var', async () => {
    const h = await start();
    await h.api.resource('Pod').create(
      podWithVolume('dwip', {
        name: 'info',
        downwardAPI: { items: [{ path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }] },
      }),
    );
    await until(h, async () => !!(await getPod(h, 'dwip')).status?.containerStatuses?.[0].state?.waiting?.message);
    expect((await getPod(h, 'dwip')).status?.containerStatuses?.[0].state?.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: expect.stringContaining('"status.podIP" is not supported; use metadata.name'),
    });
  });
});

describe('NodeAgent projected volumes', () => {
  it('merges ConfigMap, Secret and downwardAPI sources into one directory', async () => {
    const h = await start();
    await h.api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { 'app.conf': 'port=8080' },
    });
    await h.api.resource('Secret').create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      data: { token: Buffer.from('t0ken').toString('base64') },
    });
    await h.api.resource('Pod').create(
      podWithVolume('proj', {
        name: 'all',
        projected: {
          sources: [
            { configMap: { name: 'cfg' } },
            { secret: { name: 'creds', items: [{ key: 'token', path: 'auth/token' }] } },
            { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
          ],
        },
      }),
    );
    await until(h, running(h, 'proj'));
    const dir = await hostDir(h, '/data');
    expect([read(dir, 'app.conf'), read(dir, 'auth/token'), read(dir, 'name')]).toEqual(['port=8080', 't0ken', 'proj']);
  });

  it('refuses a serviceAccountToken source with CreateContainerConfigError when the Api issues no tokens', async () => {
    const h = await start();
    await h.api
      .resource('Pod')
      .create(podWithVolume('sat', { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }));
    const waiting = async () => (await getPod(h, 'sat')).status?.containerStatuses?.[0].state?.waiting;
    await until(h, async () => (await waiting())?.reason === 'CreateContainerConfigError');
    expect((await waiting())?.message).toContain('this Api issues no service account tokens');
  });
});

describe('NodeAgent persistentVolumeClaim volumes', () => {
  it('waits with CreateContainerConfigError while the claim is unbound, then mounts the hostPath PV it is bound to', async () => {
    const h = await start();
    const pvPath = join(h.volumeRoot, 'pv-data');
    await h.api.resource('PersistentVolumeClaim').create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'claim', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await h.api
      .resource('Pod')
      .create(podWithVolume('db', { name: 'store', persistentVolumeClaim: { claimName: 'claim', readOnly: true } }));
    const waiting = async () => (await getPod(h, 'db')).status?.containerStatuses?.[0].state?.waiting;
    await until(h, async () => (await waiting())?.reason === 'CreateContainerConfigError');
    expect((await waiting())?.message).toContain('persistentvolumeclaim "default/claim" is not bound');

    await h.api.resource('PersistentVolume').create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: pvPath, type: 'DirectoryOrCreate' },
        claimRef: { namespace: 'default', name: 'claim' },
      },
    });
    const claim = await h.api.resource('PersistentVolumeClaim').get('default', 'claim');
    const bound = await h.api
      .resource('PersistentVolumeClaim')
      .update({ ...claim, spec: { ...claim.spec, volumeName: 'pv-1' } });
    await h.api.resource('PersistentVolumeClaim').updateStatus({ ...bound, status: { phase: 'Bound' } });

    await until(h, running(h, 'db'), 15_000);
    const [c] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    expect(h.runtime.containerConfig(c.id).mounts).toEqual([
      { containerPath: '/data', hostPath: pvPath, readonly: true },
    ]);
    expect(existsSync(pvPath)).toBe(true);
  });
});
