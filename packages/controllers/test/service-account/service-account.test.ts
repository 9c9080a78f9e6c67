import { describe, expect, it } from 'vitest';
import { registerServiceAccountControllers } from '../../src/service-account/register.js';
import { useManagerHarness } from '../support/manager-harness.js';

describe('service account controllers', () => {
  const harness = useManagerHarness(registerServiceAccountControllers);
  const { clock, eventually } = harness;
  const tokenSecrets = async (ns: string) =>
    (await harness.api.resource('Secret').list({ namespace: ns })).items.filter(
      (s) => s.type === 'kubernetes.io/service-account-token',
    );

  it('creates a default ServiceAccount in every namespace, and again after it is deleted', async () => {
    await harness.api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await eventually(async () => {
      for (const ns of ['default', 'kube-system', 'team']) {
        expect((await harness.api.resource('ServiceAccount').get(ns, 'default')).metadata.name).toBe('default');
      }
    });
    const first = await harness.api.resource('ServiceAccount').get('team', 'default');
    await harness.api.resource('ServiceAccount').delete('team', 'default');
    await eventually(async () =>
      expect((await harness.api.resource('ServiceAccount').get('team', 'default')).metadata.uid).not.toBe(
        first.metadata.uid,
      ),
    );
  });

  it('makes no token Secret for any account (Kubernetes stopped in 1.24): pods get projected tokens', async () => {
    await harness.api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await harness.api.resource('ServiceAccount').create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder', namespace: 'team' },
    });
    await eventually(async () =>
      expect(await harness.api.resource('ServiceAccount').get('team', 'default')).toBeDefined(),
    );
    await clock.step(60_000);
    expect(await tokenSecrets('team')).toEqual([]);
    expect((await harness.api.resource('ServiceAccount').get('team', 'builder')).secrets).toBeUndefined();
  });
});
