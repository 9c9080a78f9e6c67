import { toTimestamp } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { startControllerManager } from '../../src/controller-manager.js';
import { useManagerHarness } from '../support/manager-harness.js';

/**
 * The service controllers as the preset wires them: allocation at
 * admission, Endpoints and EndpointSlices following pod events through the
 * selector index, all on one Manager and FakeClock.
 */
describe('service controllers through the preset', () => {
  const harness = useManagerHarness((manager) =>
    startControllerManager(manager, { controllers: ['service', 'endpoint', 'endpointslice'] }),
  );
  const { clock } = harness;

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
    const svc = await harness.api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    await harness.api.resource('Pod').create(pod('web-1', 'web', '198.18.0.1'));
    await harness.api.resource('Pod').create(pod('db-1', 'db', '198.18.0.2'));
    await clock.step(100);
    const slices = async () =>
      (await harness.api.resource('EndpointSlice').list({ labelSelector: 'kubernetes.io/service-name=web' })).items;
    expect((await slices()).flatMap((s) => s.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]))).toEqual([
      ['198.18.0.1', true],
    ]);
    expect(
      (await harness.api.resource('Endpoints').get('default', 'web')).subsets?.[0].addresses?.map((a) => a.ip),
    ).toEqual(['198.18.0.1']);

    await harness.api.resource('Pod').patchStatus('default', 'web-1', {
      status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: toTimestamp(clock.now()) }] },
    });
    await clock.step(100);
    expect((await slices())[0].endpoints[0].conditions?.ready).toBe(false);
    expect((await harness.api.resource('Endpoints').get('default', 'web')).subsets?.[0].notReadyAddresses?.[0].ip).toBe(
      '198.18.0.1',
    );
  });
});
