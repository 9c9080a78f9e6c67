import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, FakeClock, Informer, MemoryStore, type Pod } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { criLabels, FakeRuntime, NODE_NAME_LABEL, NodeAgent } from '../src/index.js';
import { type SharedInformerAgents, startSharedInformerAgents } from './shared-informer-agents.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Agents on one cluster-wide Pod informer, stopped after the test. */
async function startShared(nodeNames: string[]): Promise<SharedInformerAgents> {
  const agents = await startSharedInformerAgents(nodeNames, { firstSubnet: 20 });
  cleanup = agents.stop;
  return agents;
}

const podOn = (name: string, nodeName: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'app', image: 'app:v1' }] },
});

async function until(h: { clock: FakeClock }, check: () => Promise<boolean>, maxMs = 10_000) {
  for (let t = 0; t <= maxMs; t += 100) {
    if (await check()) return;
    await h.clock.step(100);
  }
  throw new Error(`condition not reached within ${maxMs} ms of fake time`);
}

const phase = async (h: { api: Api }, name: string) => (await h.api.resource('Pod').get('default', name)).status?.phase;
const sandboxPods = async (runtime: FakeRuntime) =>
  (await runtime.listPodSandbox()).map((s) => s.labels[criLabels.podName]).sort();

describe('NodeAgent on a shared Pod informer', () => {
  it('runs only the pods bound to its own node, from one informer shared by every agent', async () => {
    const h = await startShared(['node-a', 'node-b']);
    await h.api.resource('Pod').create(podOn('a-1', 'node-a'));
    await h.api.resource('Pod').create(podOn('b-1', 'node-b'));
    await h.api.resource('Pod').create(podOn('a-2', 'node-a'));
    await until(h, async () => (await phase(h, 'a-1')) === 'Running' && (await phase(h, 'a-2')) === 'Running');
    await until(h, async () => (await phase(h, 'b-1')) === 'Running');
    expect(await sandboxPods(h.runtimes['node-a'])).toEqual(['a-1', 'a-2']);
    expect(await sandboxPods(h.runtimes['node-b'])).toEqual(['b-1']);
  });

  it('picks up the pods already bound to it when it starts after the shared informer synced', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    await api.resource('Pod').create(podOn('early', 'node-a'));
    const abort = new AbortController();
    const pods = new Informer<Pod>(api, 'Pod', { clock });
    pods.start(abort.signal);
    await pods.synced;
    const runtime = new FakeRuntime({ clock, podCIDR: '198.18.30.0/24', images: ['app:v1'] });
    const volumeRoot = await mkdtemp(join(tmpdir(), 'flotilla-agent-test-'));
    const agent = new NodeAgent({ api, runtime, clock, nodeName: 'node-a', hostIP: '198.18.0.30', volumeRoot, pods });
    const running = agent.run(abort.signal);
    cleanup = async () => {
      abort.abort();
      await running;
      await rm(volumeRoot, { recursive: true, force: true });
    };
    await until({ clock }, async () => (await phase({ api }, 'early')) === 'Running');
    expect(runtime.calls.filter((c) => c.op === 'runPodSandbox')).toHaveLength(1);
  });

  it('leaves the shared informer running when its agents stop', async () => {
    const h = await startShared(['node-a']);
    await h.stopAgents();
    await h.api.resource('Pod').create(podOn('after', 'node-a'));
    await until(h, async () => h.pods.cache.get('default', 'after') !== undefined);
    expect(h.pods.cache.get('default', 'after')?.spec.nodeName).toBe('node-a');
  });

  it('removes runtime leftovers of a pod whose name now belongs to another pod (a different uid)', async () => {
    const h = await startShared(['node-a', 'node-b']);
    await h.api.resource('Pod').create(podOn('moved', 'node-b'));
    await until(h, async () => (await phase(h, 'moved')) === 'Running');
    // What a deleted pod of the same name left on node-a while no agent watched.
    const labels = {
      [criLabels.podName]: 'moved',
      [criLabels.podNamespace]: 'default',
      [criLabels.podUid]: 'uid-of-the-old-pod',
      [NODE_NAME_LABEL]: 'node-a',
    };
    await h.runtimes['node-a'].runPodSandbox({
      metadata: { name: 'moved', namespace: 'default', uid: 'uid-of-the-old-pod', attempt: 0 },
      labels,
    });
    expect(await sandboxPods(h.runtimes['node-a'])).toEqual(['moved']);
    await until(h, async () => (await sandboxPods(h.runtimes['node-a'])).length === 0);
    expect(await sandboxPods(h.runtimes['node-b'])).toEqual(['moved']);
    expect(await phase(h, 'moved')).toBe('Running');
  });
});
