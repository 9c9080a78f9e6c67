import { Api, FakeClock, Manager, MemoryStore } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerServiceAccountControllers } from '../../src/service-account/register.js';

describe('service account controllers', () => {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let abort: AbortController;
  let manager: Manager;

  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock });
    abort = new AbortController();
    manager = new Manager({ api, clock });
    registerServiceAccountControllers(manager);
    await manager.start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
    await store.close();
  });

  /** Lets the controllers run (flushing the clock's due timers) until `check` passes. */
  async function eventually(check: () => Promise<unknown>): Promise<void> {
    for (let i = 0; ; i++) {
      await clock.flush();
      try {
        await check();
        return;
      } catch (err) {
        if (i >= 5000) throw err;
      }
    }
  }
  const tokenSecrets = async (ns: string) =>
    (await api.resource('Secret').list({ namespace: ns })).items.filter(
      (s) => s.type === 'kubernetes.io/service-account-token',
    );

  it('creates a default ServiceAccount in every namespace, and again after it is deleted', async () => {
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await eventually(async () => {
      for (const ns of ['default', 'kube-system', 'team']) {
        expect((await api.resource('ServiceAccount').get(ns, 'default')).metadata.name).toBe('default');
      }
    });
    const first = await api.resource('ServiceAccount').get('team', 'default');
    await api.resource('ServiceAccount').delete('team', 'default');
    await eventually(async () =>
      expect((await api.resource('ServiceAccount').get('team', 'default')).metadata.uid).not.toBe(first.metadata.uid),
    );
  });

  it('makes no token Secret for any account (Kubernetes stopped in 1.24): pods get projected tokens', async () => {
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await api.resource('ServiceAccount').create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder', namespace: 'team' },
    });
    await eventually(async () => expect(await api.resource('ServiceAccount').get('team', 'default')).toBeDefined());
    await clock.step(60_000);
    expect(await tokenSecrets('team')).toEqual([]);
    expect((await api.resource('ServiceAccount').get('team', 'builder')).secrets).toBeUndefined();
  });
});
