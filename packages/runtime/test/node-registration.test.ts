import { Api, FakeClock, MemoryStore } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { registerNode } from '../src/index.js';

const facts = {
  nodeName: 'node-a',
  capacity: { cpu: '2', memory: '4Gi', pods: '110' },
  allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
  labels: {},
  taints: [],
  hostIP: '198.18.0.10',
  version: { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' },
};

describe('registerNode', () => {
  it('retries its status write when another writer changed the new Node in between (the lifecycle controller tainting it)', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    let interfered = 0;
    api.addAdmissionHook({
      name: 'taint-new-nodes',
      kinds: ['Node'],
      operations: ['UPDATE'],
      async admit(req) {
        if (req.subresource !== 'status' || interfered > 0) return;
        interfered += 1;
        await api.resource('Node').patch(req.object.metadata.name, {
          spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
        });
      },
    });

    const { node } = await registerNode(api, clock, facts);

    expect(interfered).toBe(1);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.spec?.taints).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });

  it('with onlyIfChanged, writes nothing when only the heartbeat times would change (the kubelet nodeStatusHasChanged)', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const first = await registerNode(api, clock, facts);
    await clock.step(10_000);
    const cases: [string, typeof facts, boolean][] = [
      ['the same facts', facts, false],
      ['a new allocatable', { ...facts, allocatable: { ...facts.allocatable, pods: '100' } }, true],
    ];
    for (const [what, changed, written] of cases) {
      const again = await registerNode(api, clock, changed, { onlyIfChanged: true });
      expect({ what, written: again.written }).toEqual({ what, written });
    }
    const stored = await api.resource('Node').get(facts.nodeName);
    expect(stored.status?.allocatable?.pods).toBe('100');
    expect(first.written).toBe(true);
  });
});
