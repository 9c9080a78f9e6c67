import { Manager, type Node, type Pod, RemoteApi } from '@flotilla/core';
import { Scheduler } from '@flotilla/scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveApi } from './served-api.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const node = (name: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
});

describe('a component as its own process would run it: the scheduler on a RemoteApi', () => {
  it('the unchanged Scheduler, under a Manager on a RemoteApi, binds pods through the apiserver', async () => {
    const served = await serveApi();
    cleanups.push(() => served.close());
    const { api, url } = served;
    await api.resource('Node').create(node('node-1'));

    // The scheduler's side knows only the server's URL.
    const remote = new RemoteApi({ server: url });
    cleanups.push(() => remote.close());
    const manager = new Manager({ api: remote });
    const scheduler = new Scheduler({ api: remote, informers: manager.informers });
    manager.add({ start: (signal) => void scheduler.run(signal) });
    await manager.start();
    cleanups.push(() => manager.stop());

    for (const name of ['a', 'b', 'c']) await api.resource('Pod').create(pod(name));
    await vi.waitFor(
      async () => {
        const pods = (await api.resource('Pod').list({ namespace: 'default' })).items;
        expect(pods.map((p) => [p.metadata.name, p.spec?.nodeName])).toEqual([
          ['a', 'node-1'],
          ['b', 'node-1'],
          ['c', 'node-1'],
        ]);
      },
      { timeout: 10_000 },
    );
  });
});
