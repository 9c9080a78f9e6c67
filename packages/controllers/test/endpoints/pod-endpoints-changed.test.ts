import { Api, FakeClock, type InformerEvent, Manager, MemoryStore, type Pod, type Service } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerEndpointsController } from '../../src/endpoints/register.js';
import { registerEndpointSliceController } from '../../src/endpointslice/register.js';
import { podEndpointsChanged } from '../../src/service-backends/pod-endpoint.js';

const created: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' }, resourceVersion: '5' },
  spec: { containers: [{ name: 'c', image: 'x' }] },
};
const bound: Pod = { ...created, spec: { ...created.spec, nodeName: 'node-1' } };
const readyAt = (ip: string, ready: boolean, restarts = 0): Pod => ({
  ...bound,
  status: {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'c', ready, restartCount: restarts, image: 'x', imageID: '' }],
  },
});
const running = readyAt('10.0.0.5', true);
const event = (type: InformerEvent['type'], object: Pod, oldObject?: Pod): InformerEvent<Pod> => ({
  type,
  object,
  oldObject,
  isInInitialList: false,
});

// Kubernetes' pkg/controller/util/endpoint podEndpointsChanged decides the same cases.
describe("which pod updates can change a Service's endpoints (podEndpointsChanged)", () => {
  const cases: [string, InformerEvent<Pod>, boolean][] = [
    ['a new pod', event('added', created), true],
    ['a deleted pod', event('deleted', running), true],
    ['its binding to a node (no IP yet)', event('updated', bound, created), false],
    ['a status write that keeps IP and readiness', event('updated', readyAt('10.0.0.5', true, 1), running), false],
    ['its first IP and readiness', event('updated', running, bound), true],
    ['readiness lost', event('updated', readyAt('10.0.0.5', false), running), true],
    ['a new IP', event('updated', readyAt('10.0.0.6', true), running), true],
    [
      'new labels (another service may select it)',
      event('updated', { ...running, metadata: { ...running.metadata, labels: { app: 'api' } } }, running),
      true,
    ],
    [
      'deletion started',
      event(
        'updated',
        { ...running, metadata: { ...running.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
        running,
      ),
      true,
    ],
    ['finished', event('updated', { ...running, status: { ...running.status, phase: 'Succeeded' } }, running), true],
    [
      'a new hostname',
      event('updated', { ...running, spec: { ...running.spec, hostname: 'web-1', subdomain: 'web' } }, running),
      true,
    ],
  ];
  it.each(cases)('%s', (_, e, wakes) => {
    expect(podEndpointsChanged(e)).toBe(wakes);
  });

  it('lets every event of another kind through', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} };
    expect(podEndpointsChanged({ type: 'updated', object: svc, oldObject: svc, isInInitialList: false })).toBe(true);
  });
});

describe('the Endpoints and EndpointSlice controllers skip pod updates that change no endpoint', () => {
  const clock = new FakeClock();
  let api: Api;
  let abort: AbortController;
  let manager: Manager;
  let calls: { endpoint: () => number; endpointslice: () => number };

  beforeEach(async () => {
    api = new Api({ store: new MemoryStore(), clock });
    manager = new Manager({ api, clock });
    const endpoints = registerEndpointsController(manager);
    const slices = registerEndpointSliceController(manager);
    const ep = vi.spyOn(endpoints, 'reconcile');
    const es = vi.spyOn(slices, 'reconcile');
    calls = { endpoint: () => ep.mock.calls.length, endpointslice: () => es.mock.calls.length };
    abort = new AbortController();
    await manager.start(abort.signal);
    await api.resource<Service>('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    await settle();
  });
  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
  });

  const settle = async () => {
    for (let i = 0; i < 5; i++) await clock.step(1000);
  };
  const counts = () => ({ endpoint: calls.endpoint(), endpointslice: calls.endpointslice() });

  it('a binding wakes neither; the pod becoming ready with an IP wakes both', async () => {
    const pods = api.resource<Pod>('Pod');
    const { resourceVersion: _rv, ...meta } = created.metadata;
    await pods.create({ ...created, metadata: meta });
    await settle();
    const afterCreate = counts();
    expect(afterCreate.endpoint).toBeGreaterThan(0);
    expect(afterCreate.endpointslice).toBeGreaterThan(0);

    const boundPod = await api.bindPod({ namespace: 'default', name: 'web-1' }, 'node-1');
    await settle();
    expect(counts()).toEqual(afterCreate);

    await pods.updateStatus({ ...boundPod, status: running.status });
    await settle();
    const afterReady = counts();
    expect(afterReady.endpoint).toBeGreaterThan(afterCreate.endpoint);
    expect(afterReady.endpointslice).toBeGreaterThan(afterCreate.endpointslice);
  });
});
