import { toTimestamp } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeCluster } from './node-cluster.js';

const zoneA = { 'topology.kubernetes.io/zone': 'a' };

describe('node lifecycle controller', () => {
  let cluster: NodeCluster;
  afterEach(() => cluster.stop());

  async function started(nodes: string[], opts: ConstructorParameters<typeof NodeCluster>[0] = {}) {
    cluster = new NodeCluster(opts);
    for (const n of nodes) await cluster.addNode(n, zoneA);
    await cluster.start();
    return cluster;
  }

  it('keeps a heartbeating node Ready and untainted', async () => {
    await started(['node-1']);
    await cluster.run(300_000);
    expect(await cluster.readyStatus('node-1')).toBe('True');
    expect(await cluster.taints('node-1')).toEqual([]);
  });

  it('marks a silent node Unknown after the 50 s grace period, not before, and taints it unreachable', async () => {
    await started(['node-1', 'node-2']);
    await cluster.run(10_000);
    await cluster.heartbeat();
    cluster.alive.delete('node-2'); // last renewal at t=10 s
    await cluster.run(49_000); // t = 59 s: 49 s after the last heartbeat
    expect(await cluster.readyStatus('node-2')).toBe('True');
    await cluster.run(2_000); // t = 61 s: past the grace period
    const node = await cluster.node('node-2');
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(node.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(await cluster.taints('node-2')).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    expect(await cluster.readyStatus('node-1')).toBe('True');
  });

  it('removes its taints when the node recovers', async () => {
    await started(['node-1', 'node-2']);
    cluster.alive.delete('node-2');
    await cluster.run(70_000);
    expect(await cluster.taints('node-2')).toContain('node.kubernetes.io/unreachable:NoExecute');
    cluster.alive.add('node-2');
    // The node agent posts Ready again, with a new heartbeat time.
    const node = await cluster.node('node-2');
    const now = toTimestamp(cluster.clock.now());
    const conditions = (node.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'True' as const, lastHeartbeatTime: now } : c,
    );
    await cluster.api.resource('Node').updateStatus({ ...node, status: { ...node.status, conditions } });
    await cluster.run(11_000);
    expect(await cluster.taints('node-2')).toEqual([]);
  });

  it('taints a node whose agent reports NotReady with not-ready, and a cordoned node with unschedulable', async () => {
    await started(['node-1', 'node-2', 'node-3']);
    const node = await cluster.node('node-2');
    const conditions = (node.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' as const } : c,
    );
    await cluster.api.resource('Node').updateStatus({ ...node, status: { ...node.status, conditions } });
    await cluster.api.resource('Node').patch('node-3', { spec: { unschedulable: true } });
    await cluster.run(2_000);
    expect(await cluster.taints('node-2')).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/not-ready:NoSchedule',
    ]);
    expect(await cluster.taints('node-3')).toEqual(['node.kubernetes.io/unschedulable:NoSchedule']);
    await cluster.api.resource('Node').patch('node-3', { spec: { unschedulable: false } });
    await cluster.run(1_000);
    expect(await cluster.taints('node-3')).toEqual([]);
  });

  it('leaves user taints alone', async () => {
    await started(['node-1']);
    await cluster.api
      .resource('Node')
      .patch('node-1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    await cluster.api.resource('Node').patch('node-1', { spec: { unschedulable: true } });
    await cluster.run(2_000);
    expect(await cluster.taints('node-1')).toEqual([
      'dedicated:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
  });

  it('gives a node that never posted status the 60 s startup grace (NodeStatusNeverUpdated)', async () => {
    await started(['node-1']);
    await cluster.api
      .resource('Node')
      .create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'fresh', labels: zoneA } });
    await cluster.run(59_000);
    expect(await cluster.readyStatus('fresh')).toBeUndefined();
    await cluster.run(3_000);
    const ready = (await cluster.node('fresh')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
  });

  it('adds NoExecute taints at 0.1 nodes per second in a healthy zone', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    await started(names);
    cluster.alive.delete('node-0');
    cluster.alive.delete('node-1');
    await cluster.run(51_000); // both expire at 50 s; one is tainted at once, the next 10 s later
    const tainted = async () => {
      const out: string[] = [];
      for (const n of ['node-0', 'node-1'])
        if ((await cluster.taints(n)).includes('node.kubernetes.io/unreachable:NoExecute')) out.push(n);
      return out;
    };
    expect(await tainted()).toHaveLength(1);
    expect(await cluster.readyStatus('node-0')).toBe('Unknown');
    expect(await cluster.readyStatus('node-1')).toBe('Unknown');
    await cluster.run(9_000);
    expect(await tainted()).toHaveLength(1);
    await cluster.run(2_000);
    expect(await tainted()).toHaveLength(2);
  });

  it('stops tainting in a small partially disrupted zone, and in a full disruption of every zone', async () => {
    await started(['a-1', 'a-2', 'a-3', 'a-4']);
    for (const n of ['a-1', 'a-2', 'a-3']) cluster.alive.delete(n); // 3 of 4 not ready: 75% >= 55%
    await cluster.run(120_000);
    for (const n of ['a-1', 'a-2', 'a-3']) {
      expect(await cluster.readyStatus(n)).toBe('Unknown');
      expect(await cluster.taints(n)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    }
    cluster.alive.delete('a-4'); // now every node (the only zone) is down
    await cluster.run(120_000);
    for (const n of ['a-1', 'a-2', 'a-3', 'a-4']) {
      expect(await cluster.taints(n)).not.toContain('node.kubernetes.io/unreachable:NoExecute');
    }
  });

  it('keeps evicting at the normal rate when one of several zones is fully down', async () => {
    cluster = new NodeCluster();
    await cluster.addNode('a-1', zoneA);
    await cluster.addNode('b-1', { 'topology.kubernetes.io/zone': 'b' });
    await cluster.start();
    cluster.alive.delete('a-1');
    await cluster.run(61_000);
    expect(await cluster.taints('a-1')).toContain('node.kubernetes.io/unreachable:NoExecute');
  });
});
