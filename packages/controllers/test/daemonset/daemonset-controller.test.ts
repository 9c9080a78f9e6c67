import type { Node, Pod } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { controllerRevisionHashLabel, targetNodeName } from '../../src/daemonset/daemon-pods.js';
import { DaemonSetReconciler } from '../../src/daemonset/daemonset-controller.js';
import { isPodAvailable } from '../../src/pod-control/pod-state.js';
import { testDaemonSet } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';

function node(
  name: string,
  labels: Record<string, string> = {},
  taints: NonNullable<Node['spec']>['taints'] = [],
): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } };
}

describe('DaemonSet controller', () => {
  let cluster: TestCluster;
  let reconciler: DaemonSetReconciler;
  const nodeNames = ['n1', 'n2', 'n3'];
  beforeEach(async () => {
    cluster = new TestCluster(nodeNames);
    reconciler = new DaemonSetReconciler(cluster.ctx);
    cluster.informers.for('Node');
    await cluster.start([
      { kind: 'DaemonSet', reconciler, observePodEvent: (t, p, o) => reconciler.observePodEvent(t, p, o) },
    ]);
    for (const n of nodeNames) await cluster.api.resource('Node').create(node(n, { pool: 'a' }));
  });
  afterEach(() => cluster.stop());

  const dsClient = () => cluster.api.resource('DaemonSet');
  const status = async () => (await dsClient().get('default', 'agent')).status;
  /** Node name -> images of the daemon pods bound there. */
  const placement = async () => {
    const out: Record<string, string[]> = {};
    for (const p of await cluster.pods()) {
      const n = p.spec.nodeName ?? '?';
      out[n] = [...(out[n] ?? []), p.spec.containers[0].image].sort();
    }
    return out;
  };
  const setImage = async (image: string) => {
    const ds = await dsClient().get('default', 'agent');
    ds.spec.template.spec.containers[0].image = image;
    await dsClient().update(ds);
  };
  /** Settles round by round, checking `each` on the pods after every round. */
  const settleChecking = async (each: (pods: Pod[]) => void) => {
    for (let i = 0; i < 100; i++) {
      const before = await cluster.revision();
      await cluster.round();
      each(await cluster.pods());
      if ((await cluster.revision()) === before) return;
    }
    throw new Error('did not settle');
  };

  it('runs one pod per node, pinned by node affinity, with daemon tolerations and status numbers', async () => {
    await dsClient().create(testDaemonSet());
    await cluster.settle();
    const pods = await cluster.pods();
    expect(await placement()).toEqual({ n1: ['agent:1'], n2: ['agent:1'], n3: ['agent:1'] });
    for (const p of pods) {
      expect(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
      ]);
      expect(p.spec.tolerations?.map((t) => t.key)).toContain('node.kubernetes.io/unreachable');
      expect(p.metadata.labels?.[controllerRevisionHashLabel]).toMatch(/^[a-z0-9]+$/);
    }
    const ds = await dsClient().get('default', 'agent');
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      numberUnavailable: 0,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
      observedGeneration: ds.metadata.generation,
    });
    expect((await cluster.events()).filter((e) => e.startsWith('SuccessfulCreate'))).toHaveLength(3);
  });

  it('works out each node once per sync: one read of its spec, however the sync goes', async () => {
    // A sync walks every node (5,000 in the envelope) for placement, rollout and status; each walk re-derived
    // the node's eligibility and the daemon tolerations.
    await dsClient().create(testDaemonSet());
    await cluster.settle();
    const cache = cluster.informers.for<Node>('Node').cache;
    const list = cache.list.bind(cache);
    let specReads = 0;
    const counting = (n: Readonly<Node>) =>
      new Proxy(n, {
        get(target, key, receiver) {
          if (key === 'spec') specReads++;
          return Reflect.get(target, key, receiver);
        },
      });
    const spy = vi.spyOn(cache, 'list').mockImplementation((opts) => list(opts).map(counting));
    await reconciler.reconcile({ namespace: 'default', name: 'agent' });
    spy.mockRestore();
    expect(specReads).toBe(nodeNames.length);
    expect(await status()).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3 });
  });

  it('follows nodes added, removed and relabelled', async () => {
    await dsClient().create(testDaemonSet({ nodeSelector: { pool: 'a' } }));
    await cluster.settle();
    await cluster.api.resource('Node').create(node('n4', { pool: 'a' }));
    await cluster.settle();
    expect(Object.keys(await placement()).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    await cluster.api.resource('Node').delete('n2');
    await cluster.settle();
    expect(Object.keys(await placement()).sort()).toEqual(['n1', 'n3', 'n4']);
    await cluster.api.resource('Node').patch('n3', { metadata: { labels: { pool: 'b' } } });
    await cluster.settle();
    expect(Object.keys(await placement()).sort()).toEqual(['n1', 'n4']);
    expect(await status()).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
    });
  });

  it('keeps a running pod on a NoSchedule-tainted node (misscheduled), removes it on NoExecute', async () => {
    await dsClient().create(testDaemonSet());
    await cluster.settle();
    await cluster.api
      .resource('Node')
      .patch('n1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await cluster.settle();
    expect(Object.keys(await placement()).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(await status()).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });
    await cluster.api
      .resource('Node')
      .patch('n1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await cluster.settle();
    expect(Object.keys(await placement()).sort()).toEqual(['n2', 'n3']);
    expect(await status()).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 0 });
  });

  it('RollingUpdate replaces pods with at most maxUnavailable nodes lacking an available pod', async () => {
    await dsClient().create(
      testDaemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }),
    );
    await cluster.settle();
    await setImage('agent:2');
    await settleChecking((pods) => {
      const served = new Set(pods.filter((p) => isPodAvailable(p, 0, cluster.clock.now())).map((p) => p.spec.nodeName));
      expect(served.size).toBeGreaterThanOrEqual(2);
    });
    expect(await placement()).toEqual({ n1: ['agent:2'], n2: ['agent:2'], n3: ['agent:2'] });
    expect(await status()).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3 });
  });

  it('RollingUpdate with maxSurge starts the new pod beside the old one and never lacks an available pod', async () => {
    await dsClient().create(
      testDaemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }),
    );
    await cluster.settle();
    await setImage('agent:2');
    let sawSurge = false;
    await settleChecking((pods) => {
      const served = new Set(pods.filter((p) => isPodAvailable(p, 0, cluster.clock.now())).map(targetNodeName));
      expect(served.size).toBe(3);
      expect(pods.length).toBeLessThanOrEqual(4);
      if (pods.length === 4) sawSurge = true;
    });
    expect(sawSurge).toBe(true);
    expect(await placement()).toEqual({ n1: ['agent:2'], n2: ['agent:2'], n3: ['agent:2'] });
  });

  it('OnDelete replaces only pods that someone deleted', async () => {
    await dsClient().create(testDaemonSet({ updateStrategy: { type: 'OnDelete' } }));
    await cluster.settle();
    await setImage('agent:2');
    await cluster.settle();
    expect(await placement()).toEqual({ n1: ['agent:1'], n2: ['agent:1'], n3: ['agent:1'] });
    expect((await status())?.updatedNumberScheduled).toBe(0);
    const onN2 = (await cluster.pods()).find((p) => p.spec.nodeName === 'n2') as Pod;
    await cluster.api.resource('Pod').delete('default', onN2.metadata.name);
    await cluster.settle();
    expect(await placement()).toEqual({ n1: ['agent:1'], n2: ['agent:2'], n3: ['agent:1'] });
    expect((await status())?.updatedNumberScheduled).toBe(1);
  });

  it('replaces a failed daemon pod and says so in a Warning Event', async () => {
    await dsClient().create(testDaemonSet());
    await cluster.settle();
    const onN1 = (await cluster.pods()).find((p) => p.spec.nodeName === 'n1') as Pod;
    await cluster.runner.finish('default', onN1.metadata.name, 'Failed');
    await cluster.settle();
    const names = (await cluster.pods()).filter((p) => p.spec.nodeName === 'n1').map((p) => p.metadata.name);
    expect(names).toHaveLength(1);
    expect(names).not.toContain(onN1.metadata.name);
    expect(await cluster.events()).toContain(
      `FailedDaemonPod: Found failed daemon pod default/${onN1.metadata.name} on node n1, will try to kill it`,
    );
  });
});
