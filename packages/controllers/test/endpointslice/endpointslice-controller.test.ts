import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../src/endpointslice/discovery-types.js';
import { EndpointSliceReconciler } from '../../src/endpointslice/endpointslice-controller.js';
import { BackendCluster } from './backend-cluster.js';

describe('EndpointSlice controller', () => {
  let cluster: BackendCluster;
  let reconciler: EndpointSliceReconciler;
  beforeEach(async () => {
    cluster = new BackendCluster();
    await cluster.start();
    reconciler = new EndpointSliceReconciler(cluster.ctx);
  });
  afterEach(() => cluster.stop());

  async function slices(service = 'web'): Promise<EndpointSlice[]> {
    const { items } = await cluster.api
      .resource('EndpointSlice')
      .list({ namespace: 'default', labelSelector: `kubernetes.io/service-name=${service}` });
    return items;
  }

  it('publishes ready pods with conditions, node, zone and owner', async () => {
    await cluster.api.resource('Node').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } },
    });
    const svc = await cluster.service('web');
    await cluster.pod('web-1', { ip: '198.18.1.1', node: 'n1' });
    await cluster.pod('web-2', { ip: '198.18.1.2', ready: false });
    await cluster.pod('other', { ip: '198.18.1.3', labels: { app: 'db' } });
    await cluster.pod('no-ip');
    await cluster.sync(reconciler, 'web');
    const [slice, ...more] = await slices();
    expect(more).toEqual([]);
    expect(slice.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Service', uid: svc.metadata.uid, controller: true }),
    ]);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions, e.nodeName, e.zone, e.targetRef?.name])).toEqual([
      ['198.18.1.1', { ready: true, serving: true, terminating: false }, 'n1', 'z1', 'web-1'],
      ['198.18.1.2', { ready: false, serving: false, terminating: false }, undefined, undefined, 'web-2'],
    ]);
  });

  it('marks terminating pods terminating (serving stays the readiness) and publishNotReadyAddresses makes all ready', async () => {
    await cluster.service('web');
    await cluster.pod('web-1', { ip: '198.18.1.1', node: 'n1' });
    await cluster.api.resource('Pod').delete('default', 'web-1'); // bound: graceful, stays with a deletionTimestamp
    await cluster.sync(reconciler, 'web');
    expect((await slices())[0].endpoints[0].conditions).toEqual({ ready: false, serving: true, terminating: true });
    await cluster.api.resource('Service').patch('default', 'web', { spec: { publishNotReadyAddresses: true } });
    await cluster.pod('web-2', { ip: '198.18.1.2', ready: false });
    await cluster.sync(reconciler, 'web');
    expect((await slices())[0].endpoints.map((e) => e.conditions?.ready)).toEqual([true, true]);
  });

  it('resolves named target ports per pod, splitting pods with different ports into different slices', async () => {
    await cluster.service('web', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await cluster.pod('web-1', { ip: '198.18.1.1', ports: [{ name: 'web', containerPort: 8080 }] });
    await cluster.pod('web-2', { ip: '198.18.1.2', ports: [{ name: 'web', containerPort: 9090 }] });
    await cluster.pod('web-3', { ip: '198.18.1.3', ports: [{ name: 'other', containerPort: 7070 }] });
    await cluster.sync(reconciler, 'web');
    const byPort = (await slices()).map((s) => [s.ports?.[0].port, s.endpoints.map((e) => e.targetRef?.name)]).sort();
    expect(byPort).toEqual([
      [8080, ['web-1']],
      [9090, ['web-2']],
    ]);
  });

  it('keeps at most 100 endpoints per slice, and a readiness change rewrites only the slice holding the pod', async () => {
    await cluster.service('web');
    for (let i = 0; i < 250; i++)
      await cluster.pod(`web-${String(i).padStart(3, '0')}`, { ip: `198.18.${i >> 8}.${(i & 255) + 1}` });
    await cluster.sync(reconciler, 'web');
    const before = await slices();
    expect(before.map((s) => s.endpoints.length).sort()).toEqual([100, 100, 50]);
    await cluster.setReady('web-123', false);
    await cluster.sync(reconciler, 'web');
    const after = await slices();
    const changed = after.filter(
      (s) =>
        before.find((b) => b.metadata.name === s.metadata.name)?.metadata.resourceVersion !==
        s.metadata.resourceVersion,
    );
    expect(changed).toHaveLength(1);
    expect(changed[0].endpoints.find((e) => e.targetRef?.name === 'web-123')?.conditions?.ready).toBe(false);
    // Deleting pods shrinks slices; emptied slices go.
    for (let i = 0; i < 200; i++)
      await cluster.api.resource('Pod').delete('default', `web-${String(i).padStart(3, '0')}`);
    await cluster.sync(reconciler, 'web');
    expect((await slices()).reduce((n, s) => n + s.endpoints.length, 0)).toBe(50);
  });

  it('keeps one empty placeholder slice without endpoints, leaves selector-less services alone, and cleans up on delete', async () => {
    await cluster.service('web');
    await cluster.sync(reconciler, 'web');
    expect((await slices()).map((s) => s.endpoints)).toEqual([[]]);
    await cluster.service('manual', { selector: undefined });
    await cluster.sync(reconciler, 'manual');
    expect(await slices('manual')).toEqual([]);
    await cluster.api.resource('Service').delete('default', 'web');
    await cluster.sync(reconciler, 'web');
    expect(await slices()).toEqual([]);
  });

  it('does not create duplicate slices when its cache lags its own writes', async () => {
    // A view of the EndpointSlice cache that has not seen anything yet, as an informer behind its own writes.
    let lagging = true;
    const real = cluster.informers.for('EndpointSlice').cache;
    const view = Object.assign(Object.create(real) as typeof real, {
      byIndex: (name: string, value: string) => (lagging ? [] : real.byIndex(name, value)),
    });
    const informers = {
      for: (kind: string) => (kind === 'EndpointSlice' ? { cache: view } : cluster.informers.for(kind)),
    } as typeof cluster.ctx.informers;
    const lagged = new EndpointSliceReconciler({ ...cluster.ctx, informers });
    await cluster.service('web');
    await cluster.pod('web-1', { ip: '198.18.1.1' });
    await cluster.clock.flush();
    await cluster.reconcileOnce(lagged, 'web');
    expect(await cluster.reconcileOnce(lagged, 'web')).toEqual({ requeueAfterMs: 100 });
    lagging = false;
    await cluster.sync(lagged, 'web');
    expect(await slices()).toHaveLength(1);
  });
});
