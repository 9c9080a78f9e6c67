import { type DrainEvent, drainNode, type Node, type ReplicaSet } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DisruptionReconciler } from '../../src/disruption/disruption-controller.js';
import { ReplicaSetReconciler } from '../../src/replicaset/replica-set-controller.js';
import { replicaSetKind } from '../../src/replicaset/replica-set-kind.js';
import { TestCluster } from '../support/cluster.js';

const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });

describe('drainNode with a PodDisruptionBudget', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    // Every pod is bound to n1 by the runner; replacements are placed on n2 by the test, as the scheduler would once n1 is cordoned.
    cluster = new TestCluster(['n1']);
    const rs = new ReplicaSetReconciler<ReplicaSet>(cluster.ctx, replicaSetKind);
    await cluster.start([
      { kind: 'ReplicaSet', reconciler: rs, observePodEvent: (t, p, o) => rs.observePodEvent(t, p, o) },
      { kind: 'PodDisruptionBudget', reconciler: new DisruptionReconciler(cluster.ctx) },
    ]);
    await cluster.api.resource('Node').create(node('n1'));
    await cluster.api.resource('Node').create(node('n2'));
    await cluster.api.resource('ReplicaSet').create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    });
    await cluster.api.resource('PodDisruptionBudget').create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    });
    await cluster.settle();
  });
  afterEach(async () => cluster.stop());

  const onNode = async (name: string) => (await cluster.pods()).filter((p) => p.spec.nodeName === name).length;

  /** The ReplicaSet makes replacements; they land on n2 and start, Ready or not. */
  async function replace(ready: boolean): Promise<void> {
    await cluster.round({ runPods: false });
    for (const p of await cluster.pods()) {
      if (p.spec.nodeName) continue;
      await cluster.api.bindPod({ namespace: 'default', name: p.metadata.name }, 'n2');
      cluster.runner.setReady(p.metadata.name, ready);
    }
    await cluster.settle();
  }

  it('evicts what the budget allows, stops at it, and resumes each time a replacement is Ready', async () => {
    const events: DrainEvent[] = [];
    // The refusals quote the budget as last computed (3 healthy): the eviction lowers only disruptionsAllowed, as in Kubernetes.
    let finished = false;
    const drain = drainNode(cluster.api, 'n1', { onEvent: (e) => events.push(e) }).then((r) => {
      finished = true;
      return r;
    });
    const evicted = () => events.filter((e) => e.type === 'Evicted').length;
    await cluster.clock.flush();
    expect((await cluster.api.resource('Node').get('n1')).spec?.unschedulable).toBe(true);
    expect(evicted()).toBe(1);
    expect(events.filter((e) => e.type === 'Refused').map((e) => (e as { message: string }).message)).toEqual([
      "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 3 currently",
      "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 3 currently",
    ]);

    // The replacement runs but is not Ready: retries every 5 s keep being refused.
    await replace(false);
    for (let i = 0; i < 3; i++) await cluster.clock.step(5000);
    expect(evicted()).toBe(1);
    expect(await onNode('n1')).toBe(2);

    // Ready: the budget allows one more, the next retry takes it.
    for (const p of await cluster.pods()) cluster.runner.setReady(p.metadata.name, true);
    await cluster.settle();
    await cluster.clock.step(5000);
    expect(evicted()).toBe(2);
    expect(finished).toBe(false);

    await replace(true);
    await cluster.clock.step(5000);
    expect(evicted()).toBe(3);
    await replace(true);
    await cluster.clock.step(1000);
    const result = await drain;
    expect(result.evicted).toHaveLength(3);
    expect(await onNode('n1')).toBe(0);
    expect(await onNode('n2')).toBe(3);
  });

  it('refuses before evicting anything when a pod has no controller, unless forced', async () => {
    await cluster.api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    });
    await expect(drainNode(cluster.api, 'n1')).rejects.toThrow(
      'default/bare: cannot delete Pods that declare no controller (use --force to override)',
    );
    expect(await onNode('n1')).toBe(4);
  });
});
