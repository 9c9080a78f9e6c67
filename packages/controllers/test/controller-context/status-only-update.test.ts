import {
  Api,
  type DaemonSet,
  type Deployment,
  FakeClock,
  type InformerEvent,
  type KubeObject,
  Manager,
  MemoryStore,
  type Reconciler,
  type ReplicaSet,
} from '@flotilla/core';
import { describe, expect, it, type MockInstance, vi } from 'vitest';
import { ignoreStatusOnlyUpdates } from '../../src/controller-context/status-only-update.js';
import {
  registerDaemonSetController,
  registerDeploymentController,
  registerReplicaSetController,
} from '../../src/index.js';
import { testDaemonSet, testDeployment } from '../support/builders.js';

const set: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7', generation: 1 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
  status: { replicas: 0 },
};
const event = (type: InformerEvent['type'], object: KubeObject, oldObject?: KubeObject): InformerEvent => ({
  type,
  object,
  oldObject,
  isInInitialList: false,
});
const newer = (o: ReplicaSet, change: Partial<ReplicaSet>): ReplicaSet => ({
  ...o,
  ...change,
  metadata: { ...o.metadata, resourceVersion: '8', ...change.metadata },
});

describe('ignoreStatusOnlyUpdates: which events of its own kind wake a controller', () => {
  const wakes = ignoreStatusOnlyUpdates('ReplicaSet');
  const cases: [string, InformerEvent, boolean][] = [
    ['a new object', event('added', set), true],
    ['a deleted object', event('deleted', set), true],
    ['its status written', event('updated', newer(set, { status: { replicas: 1, readyReplicas: 1 } }), set), false],
    ['a new spec', event('updated', newer(set, { spec: { ...set.spec, replicas: 3 } }), set), true],
    ['new labels', event('updated', newer(set, { metadata: { name: 'web', labels: { a: 'b' } } }), set), true],
    [
      'deletion started',
      event('updated', newer(set, { metadata: { name: 'web', deletionTimestamp: '2026-01-01T00:00:00Z' } }), set),
      true,
    ],
    [
      'a status-only update of another kind',
      event('updated', { ...set, kind: 'Other', status: { replicas: 2 } } as KubeObject, { ...set, kind: 'Other' }),
      true,
    ],
  ];
  it.each(cases)('%s', (_, e, expected) => {
    expect(wakes(e)).toBe(expected);
  });
});

/**
 * A Manager on a fresh Api and FakeClock with the controllers `register` adds, started, a spy on each one's
 * `reconcile`; `settle` gives the controllers five fake seconds.
 */
async function startedManager<K extends string>(register: (manager: Manager) => Record<K, Reconciler>) {
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  const manager = new Manager({ api, clock });
  const controllers = register(manager);
  const spies = {} as Record<K, MockInstance<Reconciler['reconcile']>>;
  for (const name of Object.keys(controllers) as K[]) spies[name] = vi.spyOn(controllers[name], 'reconcile');
  const ac = new AbortController();
  await manager.start(ac.signal);
  return {
    api,
    spies,
    settle: async () => {
      for (let i = 0; i < 5; i++) await clock.step(1000);
    },
    stop: async () => {
      ac.abort();
      await manager.stopped;
      await api.close();
    },
  };
}

describe('the ReplicaSet and Deployment controllers are not woken by status writes of their own kind', () => {
  it('a status write wakes neither; a spec change wakes each', async () => {
    const { api, spies, settle, stop } = await startedManager((manager) => ({
      rs: registerReplicaSetController(manager),
      dep: registerDeploymentController(manager),
    }));
    const { rs, dep } = spies;
    await api.resource('Deployment').create(testDeployment('web', 1));
    await settle();
    const before = { rs: rs.mock.calls.length, dep: dep.mock.calls.length };

    const deployment = await api.resource<Deployment>('Deployment').get('default', 'web');
    await api.resource<Deployment>('Deployment').updateStatus({
      ...deployment,
      status: { ...deployment.status, observedGeneration: 99 },
    });
    await settle();
    expect({ rs: rs.mock.calls.length, dep: dep.mock.calls.length }).toEqual(before);

    const [replicaSet] = (await api.resource<ReplicaSet>('ReplicaSet').list({ namespace: 'default' })).items;
    await api.resource<ReplicaSet>('ReplicaSet').updateStatus({
      ...replicaSet,
      status: { ...replicaSet.status, replicas: replicaSet.status?.replicas ?? 0, observedGeneration: 99 },
    });
    await settle();
    // The Deployment reads its ReplicaSets' status, so that write may wake it; the ReplicaSet itself stays asleep.
    expect(rs.mock.calls.length).toBe(before.rs);

    const latest = await api.resource<ReplicaSet>('ReplicaSet').get('default', replicaSet.metadata.name);
    await api.resource<ReplicaSet>('ReplicaSet').update({
      ...latest,
      metadata: { ...latest.metadata, labels: { ...latest.metadata.labels, extra: 'yes' } },
    });
    await settle();
    expect(rs.mock.calls.length).toBeGreaterThan(before.rs);
    await stop();
  });
});

describe('the DaemonSet controller is not woken by its own status writes', () => {
  it('a status write does not wake it (each sync walks every node); a spec change does', async () => {
    const { api, spies, settle, stop } = await startedManager((manager) => ({
      ds: registerDaemonSetController(manager),
    }));
    const { ds } = spies;
    const daemons = api.resource<DaemonSet>('DaemonSet');
    await daemons.create(testDaemonSet({ image: 'x' }));
    await settle();
    const before = ds.mock.calls.length;
    const created = await daemons.get('default', 'agent');
    await daemons.updateStatus({ ...created, status: { ...created.status!, observedGeneration: 99 } });
    await settle();
    expect(ds.mock.calls.length).toBe(before);
    const latest = await daemons.get('default', 'agent');
    await daemons.update({ ...latest, metadata: { ...latest.metadata, labels: { extra: 'yes' } } });
    await settle();
    expect(ds.mock.calls.length).toBeGreaterThan(before);
    await stop();
  });
});
