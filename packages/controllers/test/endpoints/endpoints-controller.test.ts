import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointsReconciler } from '../../src/endpoints/endpoints-controller.js';
import { BackendCluster } from '../endpointslice/backend-cluster.js';

describe('Endpoints controller', () => {
  let cluster: BackendCluster;
  let reconciler: EndpointsReconciler;
  beforeEach(async () => {
    cluster = new BackendCluster();
    await cluster.start();
    reconciler = new EndpointsReconciler(cluster.ctx);
  });
  afterEach(() => cluster.stop());

  const endpoints = (name = 'web') => cluster.api.resource('Endpoints').get('default', name);

  it('lists ready pods in addresses and the others in notReadyAddresses, sorted by IP, ports resolved', async () => {
    await cluster.service('web', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await cluster.pod('web-b', { ip: '198.18.0.20', node: 'n1', ports: [{ name: 'web', containerPort: 8080 }] });
    await cluster.pod('web-a', { ip: '198.18.0.10', ports: [{ name: 'web', containerPort: 8080 }] });
    await cluster.pod('web-c', { ip: '198.18.0.30', ready: false, ports: [{ name: 'web', containerPort: 8080 }] });
    await cluster.sync(reconciler, 'web');
    const ep = await endpoints();
    expect(ep.subsets).toEqual([
      {
        addresses: [
          { ip: '198.18.0.10', targetRef: expect.objectContaining({ kind: 'Pod', name: 'web-a' }) },
          { ip: '198.18.0.20', nodeName: 'n1', targetRef: expect.objectContaining({ name: 'web-b' }) },
        ],
        notReadyAddresses: [{ ip: '198.18.0.30', targetRef: expect.objectContaining({ name: 'web-c' }) }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(ep.metadata.labels).toEqual({ team: 'a' });
  });

  it('drops terminating pods, publishes not-ready ones as ready with publishNotReadyAddresses, labels headless services', async () => {
    await cluster.service('web', { clusterIP: 'None', publishNotReadyAddresses: true });
    await cluster.pod('web-1', { ip: '198.18.0.1', ready: false });
    await cluster.pod('web-2', { ip: '198.18.0.2', node: 'n1' });
    await cluster.api.resource('Pod').delete('default', 'web-2');
    await cluster.sync(reconciler, 'web');
    const ep = await endpoints();
    expect(ep.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['198.18.0.1', '198.18.0.2']);
    expect(ep.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
    await cluster.api.resource('Service').patch('default', 'web', { spec: { publishNotReadyAddresses: false } });
    await cluster.sync(reconciler, 'web');
    expect((await endpoints()).subsets).toEqual([
      {
        notReadyAddresses: [expect.objectContaining({ ip: '198.18.0.1' })],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('cuts more than 1,000 addresses to 1,000, ready first, annotates it over capacity, and clears that once under', async () => {
    await cluster.service('web');
    for (let i = 0; i < 1001; i++) await cluster.pod(`web-${i}`, { ip: `198.18.${i >> 8}.${i & 255}`, ready: i > 0 });
    await cluster.sync(reconciler, 'web');
    const over = await endpoints();
    expect(over.subsets?.[0].addresses).toHaveLength(1000);
    expect(over.subsets?.[0].notReadyAddresses).toBeUndefined();
    expect(over.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBe('truncated');
    await cluster.sync(reconciler, 'web');
    expect((await endpoints()).metadata.resourceVersion).toBe(over.metadata.resourceVersion);
    await cluster.api.resource('Pod').delete('default', 'web-1000');
    await cluster.sync(reconciler, 'web');
    const under = await endpoints();
    expect(under.subsets?.[0].addresses).toHaveLength(999);
    expect(under.subsets?.[0].notReadyAddresses).toHaveLength(1);
    expect(under.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  });

  it('does not rewrite unchanged Endpoints, leaves selector-less services alone and deletes its Endpoints with the service', async () => {
    await cluster.service('web');
    await cluster.pod('web-1', { ip: '198.18.0.1' });
    await cluster.sync(reconciler, 'web');
    const first = await endpoints();
    await cluster.sync(reconciler, 'web');
    expect((await endpoints()).metadata.resourceVersion).toBe(first.metadata.resourceVersion);

    await cluster.service('manual', { selector: undefined });
    await cluster.api.resource('Endpoints').create({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'manual', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '198.18.9.9' }], ports: [{ port: 80 }] }],
    });
    await cluster.sync(reconciler, 'manual');
    expect((await endpoints('manual')).subsets?.[0].addresses?.[0].ip).toBe('198.18.9.9');

    await cluster.api.resource('Service').delete('default', 'web');
    await cluster.sync(reconciler, 'web');
    await expect(endpoints()).rejects.toThrow(/not found/);
  });

  it('batches syncs of one service within the batch period', async () => {
    const batched = new EndpointsReconciler(cluster.ctx, { batchPeriodMs: 1000 });
    await cluster.service('web');
    await cluster.pod('web-1', { ip: '198.18.0.1' });
    await cluster.clock.flush();
    expect(await cluster.reconcileOnce(batched, 'web')).toBeUndefined();
    await cluster.clock.step(400);
    expect(await cluster.reconcileOnce(batched, 'web')).toEqual({ requeueAfterMs: 600 });
  });
});
