import { type FakeClock, type ListOptions, MemoryStore, type Pod, type Service } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { criLabels, type FakeRuntime } from '../src/index.js';
import { startSharedInformerAgents } from './shared-informer-agents.js';

/** A MemoryStore that counts the Service lists it serves (the Api's and the informer's). */
class ServiceListCountingStore extends MemoryStore {
  serviceLists = 0;
  override list(resource: string, opts?: ListOptions) {
    if (resource === 'services') this.serviceLists++;
    return super.list(resource, opts);
  }
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Agents on shared Pod and Service informers over a Service-list-counting store, stopped after the test. */
async function startAgents(nodeNames: string[]) {
  const store = new ServiceListCountingStore();
  const agents = await startSharedInformerAgents(nodeNames, { store, services: true, firstSubnet: 40 });
  cleanup = agents.stop;
  return { ...agents, store };
}

const service = (name: string, namespace: string, clusterIP: string, port: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { clusterIP, ports: [{ port, protocol: 'TCP' }] },
});

const podOn = (name: string, nodeName: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'app', image: 'app:v1' }] },
});

/** The service variables (`*_SERVICE_HOST`) of the pod's container, by name. */
async function serviceHosts(runtime: FakeRuntime, pod: string): Promise<Record<string, string>> {
  const [container] = await runtime.listContainers();
  expect(container.labels[criLabels.podName]).toBe(pod);
  const envs = runtime.containerConfig(container.id).envs ?? [];
  return Object.fromEntries(envs.filter((e) => e.key.endsWith('_SERVICE_HOST')).map((e) => [e.key, e.value]));
}

async function until(clock: FakeClock, check: () => Promise<boolean>, maxMs = 10_000) {
  for (let t = 0; t <= maxMs; t += 100) {
    if (await check()) return;
    await clock.step(100);
  }
  throw new Error(`condition not reached within ${maxMs} ms of fake time`);
}

describe('NodeAgent on a shared Service informer', () => {
  it("builds the service variables from the informer's cache: the namespace's Services, no Api list per pod", async () => {
    const h = await startAgents(['node-a', 'node-b']);
    await h.api.resource('Service').create(service('db', 'default', '10.96.0.10', 5432));
    await h.api.resource('Service').create(service('web-front', 'default', '10.96.0.11', 80));
    await h.api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await h.api.resource('Service').create(service('elsewhere', 'other', '10.96.0.12', 80));
    const listsBefore = h.store.serviceLists;
    await h.api.resource('Pod').create(podOn('a-1', 'node-a'));
    await h.api.resource('Pod').create(podOn('b-1', 'node-b'));
    const running = async (name: string) =>
      (await h.api.resource('Pod').get('default', name)).status?.phase === 'Running';
    await until(h.clock, async () => (await running('a-1')) && (await running('b-1')));

    const expected = { DB_SERVICE_HOST: '10.96.0.10', WEB_FRONT_SERVICE_HOST: '10.96.0.11' };
    expect(await serviceHosts(h.runtimes['node-a'], 'a-1')).toEqual(expected);
    expect(await serviceHosts(h.runtimes['node-b'], 'b-1')).toEqual(expected);
    expect(h.store.serviceLists - listsBefore).toBe(0);
  });
});
