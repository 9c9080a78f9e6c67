import { Api, FakeClock, type InformerEvent, Manager, MemoryStore, type Pod, type ReplicaSet } from '@flotilla/core';
import { describe, expect, it, vi } from 'vitest';
import { registerReplicaSetController } from '../../src/index.js';
import { podReplicaInputsChanged } from '../../src/replicaset/replica-inputs.js';

const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-1', controller: true };
const created: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' }, ownerReferences: [owner] },
  spec: { containers: [{ name: 'c', image: 'x' }] },
};
const bound: Pod = { ...created, spec: { ...created.spec, nodeName: 'node-1' } };
const withStatus = (phase: 'Pending' | 'Running' | 'Failed', ready: boolean, since = '2026-01-01T00:00:00Z'): Pod => ({
  ...bound,
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since }] },
});
const ready = withStatus('Running', true);
const event = (type: InformerEvent['type'], object: Pod, oldObject?: Pod): InformerEvent<Pod> => ({
  type,
  object,
  oldObject,
  isInInitialList: false,
});

describe('which pod updates wake the ReplicaSet that owns the pod (podReplicaInputsChanged)', () => {
  const cases: [string, InformerEvent<Pod>, boolean][] = [
    ['a new pod', event('added', created), true],
    ['a deleted pod', event('deleted', ready), true],
    ['its binding to a node', event('updated', bound, created), false],
    [
      'Pending to Running, not ready yet',
      event('updated', withStatus('Running', false), withStatus('Pending', false)),
      false,
    ],
    ['ready', event('updated', ready, withStatus('Running', false)), true],
    [
      'ready again since a later time',
      event('updated', withStatus('Running', true, '2026-01-01T00:05:00Z'), ready),
      true,
    ],
    ['failed', event('updated', withStatus('Failed', false), ready), true],
    [
      'deletion started',
      event('updated', { ...ready, metadata: { ...ready.metadata, deletionTimestamp: '2026-01-01T00:09:00Z' } }, ready),
      true,
    ],
    ['new labels', event('updated', { ...ready, metadata: { ...ready.metadata, labels: { app: 'x' } } }, ready), true],
    ['released', event('updated', { ...ready, metadata: { ...ready.metadata, ownerReferences: [] } }, ready), true],
  ];
  it.each(cases)('%s', (_, e, wakes) => {
    expect(podReplicaInputsChanged(e)).toBe(wakes);
  });
});

describe('the ReplicaSet controller skips a binding of its pod', () => {
  it('reconciles for the pod becoming ready, not for its binding', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const manager = new Manager({ api, clock });
    const reconciler = registerReplicaSetController(manager);
    const calls = vi.spyOn(reconciler, 'reconcile');
    const ac = new AbortController();
    await manager.start(ac.signal);
    const set: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      },
    };
    await api.resource('ReplicaSet').create(set);
    const settle = async () => {
      for (let i = 0; i < 5; i++) await clock.step(1000);
    };
    await settle();
    const [pod] = (await api.resource<Pod>('Pod').list({ namespace: 'default' })).items;
    const afterCreate = calls.mock.calls.length;

    const boundPod = await api.bindPod({ namespace: 'default', name: pod.metadata.name }, 'node-1');
    await settle();
    expect(calls.mock.calls.length).toBe(afterCreate);

    await api.resource<Pod>('Pod').updateStatus({ ...boundPod, status: ready.status });
    await settle();
    expect(calls.mock.calls.length).toBeGreaterThan(afterCreate);
    expect((await api.resource<ReplicaSet>('ReplicaSet').get('default', 'web')).status?.readyReplicas).toBe(1);
    ac.abort();
    await manager.stopped;
    await api.close();
  });
});
