import { type ConfigMap, type Lease, Manager, type RemoteApi } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ServedRemote, servedRemote } from './remote-fixture.js';

let s: ServedRemote;
beforeEach(async () => {
  s = await servedRemote();
});
afterEach(async () => {
  await s.close();
});

/**
 * A controller manager replica as a separate process would run it: its own
 * RemoteApi, a Lease to compete for, and a controller that stamps each
 * ConfigMap with the replica that reconciled it.
 */
function replica(remote: RemoteApi, identity: string) {
  const manager = new Manager({
    api: remote,
    leaderElection: {
      name: 'stamper',
      namespace: 'kube-system',
      identity,
      // Short terms so a hand-over is quick on the wall clock; the order of events is what is checked.
      leaseDurationMs: 1_500,
      renewDeadlineMs: 1_000,
      retryPeriodMs: 100,
    },
  });
  manager
    .controller(`stamper-${identity}`)
    .for('ConfigMap')
    .reconcile({
      async reconcile(req) {
        const cms = remote.resource('ConfigMap');
        const cm = await cms.get(req.namespace, req.name).catch(() => undefined);
        if (!cm || cm.metadata.annotations?.stampedBy) return;
        await cms.patch(req.namespace!, req.name, { metadata: { annotations: { stampedBy: identity } } });
      },
    });
  return manager;
}

const configMap = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { x: '1' },
});

async function stampOf(name: string): Promise<string | undefined> {
  const cm = await s.api.resource('ConfigMap').get('default', name);
  return cm.metadata.annotations?.stampedBy;
}

describe('the Manager, informers and leader election on a RemoteApi', () => {
  it('a controller reconciles through RemoteApi -> ApiServer -> Api; the leader holds the Lease on the server; a standby takes over after a release', async () => {
    const a = replica(s.connect(), 'replica-a');
    const b = replica(s.connect(), 'replica-b');
    const stopA = new AbortController();
    await a.start(stopA.signal);
    await vi.waitFor(async () => {
      const lease = (await s.api.resource('Lease').get('kube-system', 'stamper')) as Lease;
      expect(lease.spec?.holderIdentity).toBe('replica-a');
    });
    await b.start();

    await s.api.resource('ConfigMap').create(configMap('first'));
    await vi.waitFor(async () => expect(await stampOf('first')).toBe('replica-a'), { timeout: 10_000 });

    stopA.abort();
    await a.stopped;
    await vi.waitFor(
      async () => {
        const lease = (await s.api.resource('Lease').get('kube-system', 'stamper')) as Lease;
        expect(lease.spec?.holderIdentity).toBe('replica-b');
      },
      { timeout: 10_000 },
    );
    await s.api.resource('ConfigMap').create(configMap('second'));
    await vi.waitFor(async () => expect(await stampOf('second')).toBe('replica-b'), { timeout: 10_000 });
    expect(await stampOf('first')).toBe('replica-a');
    await b.stop();
  });

  it('the informer cache of a RemoteApi equals the server after a burst of writes', async () => {
    const manager = new Manager({ api: s.connect() });
    const informer = manager.informers.for('ConfigMap');
    await manager.start();
    const cms = s.api.resource('ConfigMap');
    for (let i = 0; i < 40; i++) await cms.create(configMap(`cm-${i}`));
    for (let i = 0; i < 40; i += 3) await cms.delete('default', `cm-${i}`);
    for (let i = 1; i < 40; i += 3) await cms.patch('default', `cm-${i}`, { data: { x: '2' } });
    const expected = async () =>
      (await cms.list({ namespace: 'default' })).items
        .map((c) => `${c.metadata.name}@${c.metadata.resourceVersion}`)
        .sort();
    await vi.waitFor(async () => {
      const cached = informer.cache
        .list()
        .filter((c) => c.metadata.namespace === 'default')
        .map((c) => `${c.metadata.name}@${c.metadata.resourceVersion}`)
        .sort();
      expect(cached).toEqual(await expected());
    });
    await manager.stop();
  });
});
