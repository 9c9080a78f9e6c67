import { Api, FakeClock, Manager, MemoryStore, type ReplicaSet } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { registerDeploymentController, registerReplicaSetController } from '../../src/index.js';
import { testDeployment } from '../support/builders.js';

const replicaSet = (name: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
});

async function started(batchPeriodMs?: number) {
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  const manager = new Manager({ api, clock });
  registerReplicaSetController(manager, { batchPeriodMs });
  registerDeploymentController(manager, { batchPeriodMs });
  const ac = new AbortController();
  await manager.start(ac.signal);
  const pods = async () => (await api.resource('Pod').list({ namespace: 'default' })).items.length;
  return { api, clock, pods, stop: () => ac.abort() };
}

describe('batchPeriodMs in RegisterOptions (ReplicaSet and Deployment controllers)', () => {
  it.each([
    { batchPeriodMs: undefined, podsAtOnce: 2 },
    { batchPeriodMs: 1000, podsAtOnce: 0 },
  ])('with batchPeriodMs $batchPeriodMs a new ReplicaSet has $podsAtOnce pods before any time passes', async ({
    batchPeriodMs,
    podsAtOnce,
  }) => {
    const c = await started(batchPeriodMs);
    await c.api.resource('ReplicaSet').create(replicaSet('rs', 2));
    await c.clock.flush();
    expect(await c.pods()).toBe(podsAtOnce);
    await c.clock.step(1000);
    await c.clock.flush();
    expect(await c.pods()).toBe(2);
    c.stop();
  });

  it('batches the Deployment controller too: its ReplicaSet appears after the batch period', async () => {
    const c = await started(500);
    await c.api.resource('Deployment').create(testDeployment('web', 1));
    await c.clock.flush();
    expect((await c.api.resource('ReplicaSet').list({ namespace: 'default' })).items).toHaveLength(0);
    await c.clock.step(500);
    await c.clock.flush();
    expect((await c.api.resource('ReplicaSet').list({ namespace: 'default' })).items).toHaveLength(1);
    c.stop();
  });
});
