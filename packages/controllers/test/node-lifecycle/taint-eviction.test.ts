import type { ReplicaSet, Toleration } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeCluster } from './node-cluster.js';

function replicaSet(name: string, replicas: number, tolerations?: Toleration[]): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx' }], tolerations },
      },
    },
  };
}

describe('taint-based eviction', () => {
  let cluster: NodeCluster;
  afterEach(() => cluster.stop());

  async function podsByNode(app: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of await cluster.activePods()) {
      if (p.metadata.labels?.app !== app) continue;
      const node = p.spec.nodeName ?? '(unbound)';
      out[node] = (out[node] ?? 0) + 1;
    }
    return out;
  }

  it('moves the pods of a node that stops heartbeating to healthy nodes after the 300 s default toleration', async () => {
    cluster = new NodeCluster({ replicaSets: true });
    await cluster.addNode('node-1');
    await cluster.addNode('node-2');
    await cluster.start();
    await cluster.api.resource('ReplicaSet').create(replicaSet('web', 4));
    await cluster.run(5_000);
    expect(await podsByNode('web')).toEqual({ 'node-1': 2, 'node-2': 2 });

    cluster.alive.delete('node-2');
    await cluster.run(55_000); // t = 60 s: node-2 is Unknown and tainted since about t = 51 s
    expect(await cluster.taints('node-2')).toContain('node.kubernetes.io/unreachable:NoExecute');
    await cluster.run(280_000); // t = 340 s: the 300 s tolerations have not run out yet
    expect(await podsByNode('web')).toEqual({ 'node-1': 2, 'node-2': 2 });
    await cluster.run(20_000); // t = 360 s
    expect(await podsByNode('web')).toEqual({ 'node-1': 4 });
    const evicted = (await cluster.api.resource('Pod').list()).items.filter((p) => p.spec.nodeName === 'node-2');
    expect(evicted).toHaveLength(2);
    for (const p of evicted) expect(p.metadata.deletionTimestamp).toBeDefined();
    const reasons = (await cluster.api.resource('Event').list()).items.map((e) => e.reason);
    expect(reasons.filter((r) => r === 'TaintManagerEviction')).toHaveLength(2);
  });

  it('evicts as soon as tainted with tolerationSeconds 0, never with an unbounded toleration', async () => {
    cluster = new NodeCluster();
    await cluster.addNode('node-1');
    await cluster.addNode('node-2');
    await cluster.start();
    const pods = cluster.api.resource('Pod');
    const base = {
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      spec: { nodeName: 'node-2', containers: [{ name: 'c', image: 'x' }] },
    };
    await pods.create({
      ...base,
      metadata: { name: 'forever', namespace: 'default' },
      spec: { ...base.spec, tolerations: [{ operator: 'Exists' }] },
    });
    await pods.create({
      ...base,
      metadata: { name: 'none', namespace: 'default' },
      spec: {
        ...base.spec,
        tolerations: [
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
        ],
      },
    });
    cluster.alive.delete('node-2');
    await cluster.run(52_000);
    expect((await pods.get('default', 'none')).metadata.deletionTimestamp).toBeDefined();
    await cluster.run(600_000);
    expect((await pods.get('default', 'forever')).metadata.deletionTimestamp).toBeUndefined();
  });
});
