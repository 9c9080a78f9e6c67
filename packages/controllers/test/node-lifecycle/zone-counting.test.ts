import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeCluster } from './node-cluster.js';

let cluster: NodeCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('node lifecycle zone counting', () => {
  it('counts the zones again only when a node stops counting as it did or a grace may have run out, not at every reconcile', async () => {
    cluster = new NodeCluster();
    await cluster.start();
    const nodes = Array.from({ length: 20 }, (_, i) => `node-${i}`);
    for (const name of nodes) await cluster.addNode(name, { 'topology.kubernetes.io/zone': i(name) % 2 ? 'a' : 'b' });
    const reconcile = vi.spyOn(cluster.controllers.lifecycle, 'reconcile');
    const passes = vi.spyOn(cluster.manager.informers.for('Node').cache, 'list');
    // Two minutes of healthy nodes: each is reconciled every monitor period and on every lease renewal.
    await cluster.run(120_000);
    expect(reconcile.mock.calls.length).toBeGreaterThan(20 * 24);
    // A pass over the nodes when the earliest grace deadline goes by (leases move it every 10 s), not per reconcile.
    expect(passes.mock.calls.length).toBeLessThan(40);

    // One zone goes silent: its nodes expire without any event of theirs, and the zone's state follows.
    for (const name of nodes.filter((n) => i(n) % 2)) cluster.alive.delete(name);
    await cluster.run(70_000);
    for (const name of nodes) expect(await cluster.readyStatus(name)).toBe(i(name) % 2 ? 'Unknown' : 'True');
    // Zone a is fully disrupted, zone b is not: Kubernetes taints a fully disrupted zone's nodes at the normal rate.
    const tainted = await Promise.all(nodes.filter((n) => i(n) % 2).map((n) => cluster!.taints(n)));
    expect(tainted.some((t) => t.includes('node.kubernetes.io/unreachable:NoExecute'))).toBe(true);
  });
});

function i(name: string): number {
  return Number(name.slice('node-'.length));
}
