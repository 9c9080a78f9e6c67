import { Api, FakeClock, Manager, MemoryStore, toTimestamp } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startControllerManager } from '../../src/controller-manager.js';

/**
 * The service controllers as the preset wires them: allocation at
 * admission, Endpoints and EndpointSlices following pod events through the
 * selector index, all on one Manager and FakeClock.
 */
describe('service controllers through the preset', () => {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let abort: AbortController;
  let manager: Manager;

  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
    await store.close();
  });

  async function start() {
    store = new MemoryStore();
    api = new Api({ store, clock });
    abort = new AbortController();
    manager = new Manager({ api, clock });
    startControllerManager(manager, { controllers: ['service', 'endpoint', 'endpointslice'] });
    await manager.start(abort.signal);
  }

  const pod = (name: string, app: string, ip: string) => ({
    apiVersion: 'v1' as const,
    kind: 'Pod' as const,
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x' }] },
    status: {
      phase: 'Running' as const,
      podIP: ip,
      conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: toTimestamp(clock.now()) }],
    },
  });

  it('allocates a ClusterIP at creation and follows pod readiness into Endpoints and EndpointSlices', async () => {
    await start();
    const svc = await api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    await api.resource('Pod').create(pod('web-1', 'web', '198.18.0.1'));
    await api.resource('Pod').create(pod('db-1', 'db', '198.18.0.2'));
    await clock.step(100);
    const slices = async () =>
      (await api.resource('EndpointSlice').list({ labelSelector: 'kubernetes.io/service-name=web' })).items;
    expect((await slices()).flatMap((s) => s.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]))).toEqual([
      ['198.18.0.1', true],
    ]);
    expect((await api.resource('Endpoints').get('default', 'web')).subsets?.[0].addresses?.map((a) => a.ip)).toEqual([
      '198.18.0.1',
    ]);

    await api.resource('Pod').patchStatus('default', 'web-1', {
      status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: toTimestamp(clock.now()) }] },
    });
    await clock.step(100);
    expect((await slices())[0].endpoints[0].conditions?.ready).toBe(false);
    expect((await api.resource('Endpoints').get('default', 'web')).subsets?.[0].notReadyAddresses?.[0].ip).toBe(
      '198.18.0.1',
    );
  });
});
