import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '@flotilla/apiserver';
import { Api, type ComponentLifecycle, FakeClock, InformerFactory, Manager, MemoryStore } from '@flotilla/core';
import { DashboardServer } from '@flotilla/dashboard';
import { type Applier, ClusterDns, type IptablesRules, Proxier, UserspaceProxy } from '@flotilla/netproxy';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

/**
 * The conventions of docs/guides/conventions.md, checked once for every
 * long-running part: one lifecycle shape, one clock rule.
 */

const apis: Api[] = [];
/** An Api on a FakeClock, as a test builds one: no component below is given a clock of its own. */
function cluster(): { api: Api; clock: FakeClock; informers: InformerFactory } {
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  apis.push(api);
  return { api, clock, informers: new InformerFactory(api) };
}
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
});

const noopApplier: Applier<IptablesRules> = { apply: async () => {} };

/** The dashboard serves a browser script; any file stands in for the build here. */
const dashboardDir = mkdtempSync(join(tmpdir(), 'flotilla-conventions-'));
const dashboardScript = join(dashboardDir, 'dashboard.js');
writeFileSync(dashboardScript, '');
afterAll(() => rmSync(dashboardDir, { recursive: true, force: true }));

const components: [string, () => ComponentLifecycle][] = [
  ['Manager', () => new Manager({ api: cluster().api })],
  [
    'Scheduler',
    () => {
      const { api, informers } = cluster();
      return new Scheduler({ api, informers });
    },
  ],
  [
    'NodeAgent',
    () =>
      new NodeAgent({
        api: cluster().api,
        runtime: new FakeRuntime(),
        nodeName: 'node-1',
        hostIP: '198.18.0.10',
        capacity: { cpu: '1', memory: '1Gi', pods: '10' },
      }),
  ],
  [
    'Proxier',
    () => {
      const { informers } = cluster();
      const abort = new AbortController();
      informers.start(abort.signal);
      return new Proxier({
        informers,
        nodeName: 'node-1',
        nodeIPs: ['198.18.0.1'],
        mode: 'iptables',
        applier: noopApplier,
      });
    },
  ],
  ['UserspaceProxy', () => new UserspaceProxy()],
  ['ClusterDns', () => new ClusterDns()],
  ['ApiServer', () => new ApiServer({ api: cluster().api, listen: { host: '127.0.0.1', port: 0 } })],
  ['DashboardServer', () => new DashboardServer({ apiServer: 'http://127.0.0.1:1', bundlePath: dashboardScript })],
];

describe('every long-running part has one lifecycle shape', () => {
  it.each(components)('%s: start resolves when ready, stop when released, ready/stopped follow', async (_, make) => {
    const part = make();
    const order: string[] = [];
    void part.ready.then(() => order.push('ready'));
    void part.stopped.then(() => order.push('stopped'));
    await part.start();
    await part.ready;
    expect(order).toEqual(['ready']);
    await part.stop();
    await part.stopped;
    expect(order).toEqual(['ready', 'stopped']);
    // Idempotent.
    await expect(part.stop()).resolves.toBeUndefined();
  });

  it.each(components)('%s: aborting the signal given to start stops it', async (_, make) => {
    const part = make();
    const abort = new AbortController();
    await part.start(abort.signal);
    abort.abort();
    await part.stopped;
    await expect(part.stop()).resolves.toBeUndefined();
  });

  it.each(components)('%s: stop before start resolves (nothing is held)', async (_, make) => {
    await expect(make().stop()).resolves.toBeUndefined();
  });
});

describe('one clock rule: the clock option, else the Api’s, else the wall clock', () => {
  it('Manager and InformerFactory take the Api’s clock when given none', () => {
    const { api, clock } = cluster();
    expect(new Manager({ api }).clock).toBe(clock);
    expect(new InformerFactory(api).clock).toBe(clock);
  });

  it('the NodeAgent renews its Lease on the Api’s clock', async () => {
    const { api, clock } = cluster();
    clock.step(1_234_000);
    const agent = new NodeAgent({ api, runtime: new FakeRuntime(), nodeName: 'node-1', hostIP: '198.18.0.10' });
    await agent.start();
    const lease = await api.resource('Lease').get('kube-node-lease', 'node-1');
    expect(Date.parse(lease.spec?.renewTime ?? '')).toBe(clock.now());
    await agent.stop();
  });

  it('the Proxier times its syncs on the informers’ clock', async () => {
    const { informers, clock } = cluster();
    const abort = new AbortController();
    informers.start(abort.signal);
    const proxier = new Proxier({
      informers,
      nodeName: 'node-1',
      nodeIPs: ['198.18.0.1'],
      mode: 'iptables',
      applier: noopApplier,
    });
    await proxier.start();
    await clock.step(0);
    expect(proxier.lastSyncTime()).toBe(clock.now());
    await proxier.stop();
    abort.abort();
  });
});
