import { fileURLToPath } from 'node:url';
import { type DaemonSet, type Job, MemoryStore, type Node, RealClock, silentLogger } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from './cluster.js';
import { RequestLoop } from './demo/service-client.js';
import type { DemoContext } from './demo/step.js';
import { waitFor } from './demo/wait-for.js';
import { livePods, nodeReady, podReady, waitForDeployment, waitForHealthyPods } from './demo/workloads.js';
import { LiveDisplay } from './display/live-display.js';
import { applyManifests, readManifests } from './manifests.js';

const manifests = fileURLToPath(new URL('../manifests', import.meta.url));
const clock = new RealClock();
const timeoutMs = 20_000;

let cluster: LocalCluster;
let store: MemoryStore;
let ctx: DemoContext;
const screen: string[] = [];

beforeAll(async () => {
  store = new MemoryStore();
  // Pod IPs in 127.2.x.x: `npm start` in main.test.ts may run at the same time on 127.1.x.x.
  cluster = await LocalCluster.start({ store, nodes: 3, logger: silentLogger(), clock, loopbackNet: 2 });
  const display = new LiveDisplay({
    out: { write: (t: string) => screen.push(t) },
    informers: cluster.manager.informers,
    clock,
  });
  display.start();
  ctx = { cluster, display, clock, timeoutMs, pauseMs: 0, stats: { requestsOk: 0, requestsFailed: 0 } };
});

afterAll(async () => {
  ctx?.display.stop();
  await cluster?.stop();
  await store?.close();
});

const informer = <T extends Node | DaemonSet | Job>(kind: string) => cluster.manager.informers.for<T>(kind).cache;

describe('the local cluster, end to end (three simulated nodes, real clock, everything in one process)', () => {
  it('starts three Ready nodes', async () => {
    await waitFor(
      clock,
      'three Ready nodes',
      () => ['node-1', 'node-2', 'node-3'].every((n) => nodeReady(ctx, n) === 'True'),
      timeoutMs,
    );
    expect(
      informer<Node>('Node')
        .list()
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('converges on the example manifests: web available, the DaemonSet on every node, the Job complete', async () => {
    const { applied, failures } = await applyManifests(cluster.api, (await readManifests(manifests)).objects);
    expect(failures).toEqual([]);
    expect(applied.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
      'CronJob/report',
      'DaemonSet/node-monitor',
      'Deployment/web',
      'HorizontalPodAutoscaler/web',
      'Job/pi',
      'Service/cache',
      'Service/web',
      'StatefulSet/cache',
    ]);

    const web = await waitForDeployment(ctx, 'web');
    expect(web.status?.availableReplicas).toBe(3);
    expect(livePods(ctx, 'app=web').filter(podReady)).toHaveLength(3);

    const monitors = await waitFor(
      clock,
      'a ready node-monitor pod on each node',
      () => {
        const pods = livePods(ctx, 'app=node-monitor', 'kube-system').filter(podReady);
        return pods.length === 3 ? pods : undefined;
      },
      timeoutMs,
    );
    expect(monitors.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);

    const job = await waitFor(
      clock,
      'job/pi to complete',
      () => {
        const j = informer<Job>('Job').get('default', 'pi');
        return j?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
      },
      timeoutMs,
    );
    expect(job.status?.succeeded).toBe(4);
  }, 40_000);

  // As kube-apiserver records every write: the program Kubernetes would name, from the user each component acts as.
  it('records who set what in managedFields, under the names Kubernetes gives its components', async () => {
    const managers = async (kind: string, namespace: string, name: string) => {
      const obj = await cluster.api.resource(kind).get(namespace, name);
      const entries = (obj.metadata as { managedFields?: { manager: string; subresource?: string }[] }).managedFields;
      return (entries ?? []).map((e) => (e.subresource ? `${e.manager}/${e.subresource}` : e.manager)).sort();
    };
    const pod = livePods(ctx, 'app=web').find(podReady)!;
    expect(await managers('Deployment', 'default', 'web')).toEqual(
      expect.arrayContaining(['flotilla', 'kube-controller-manager/status']),
    );
    expect(await managers('Pod', 'default', pod.metadata.name)).toEqual(
      expect.arrayContaining(['kube-controller-manager', 'kubelet/status']),
    );
    expect(await managers('Node', '', 'node-1')).toEqual(expect.arrayContaining(['kubelet/status']));
  });

  it('keeps the service answering through the userspace proxy during a rolling update: zero failed requests', async () => {
    const address = await waitFor(
      clock,
      'a proxy listener for service web',
      () => cluster.serviceAddress('default', 'web', 'http'),
      timeoutMs,
    );
    expect(address.host).toBe('127.0.0.1');
    const traffic = new RequestLoop(() => cluster.serviceAddress('default', 'web', 'http'), clock);
    // Traffic flows before the rollout starts.
    await waitFor(clock, 'the first answered requests', () => traffic.answered() >= 5, timeoutMs);
    const current = await cluster.api.resource('Deployment').get('default', 'web');
    const containers = (current.spec.template?.spec?.containers ?? []).map((c) => ({
      ...c,
      image: 'flotilla/web:1.1',
    }));
    const patched = await cluster.api
      .resource('Deployment')
      .patch('default', 'web', { spec: { template: { spec: { containers } } } });
    await waitForHealthyPods(
      ctx,
      'web',
      'every web pod on flotilla/web:1.1',
      (p) => p.spec.containers[0].image === 'flotilla/web:1.1',
    );
    await waitForDeployment(ctx, 'web', 'default', patched.metadata.generation);
    const newPods = livePods(ctx, 'app=web').map((p) => p.metadata.name);
    // The proxy follows EndpointSlices a moment behind the rollout: the new pods must start answering too.
    await waitFor(clock, 'a new pod to answer', () => newPods.some((n) => traffic.answeredBy(n)), timeoutMs);
    const tally = await traffic.stop();

    expect(tally.errors).toEqual([]);
    expect(tally.failed).toBe(0);
    expect(tally.ok).toBeGreaterThan(5);
    // Both the old pods and the new ones answered while the rollout ran.
    const names = [...tally.byPod.keys()];
    expect(names.some((n) => newPods.includes(n))).toBe(true);
    expect(names.some((n) => !newPods.includes(n))).toBe(true);
  }, 40_000);

  it('heals the loss of a node: its pods are evicted and run again on the other nodes', async () => {
    const before = livePods(ctx, 'app=web');
    const lost = before[0].spec.nodeName!;
    const onLost = before.filter((p) => p.spec.nodeName === lost).map((p) => p.metadata.name);
    await cluster.node(lost).stop();

    await waitFor(clock, `${lost} to be marked not ready`, () => nodeReady(ctx, lost) !== 'True', timeoutMs);
    const healed = await waitForHealthyPods(ctx, 'web', `web whole again off ${lost}`, (p) => p.spec.nodeName !== lost);

    expect(healed).toHaveLength(3);
    expect(healed.every((p) => p.spec.nodeName !== lost)).toBe(true);
    expect(healed.some((p) => onLost.includes(p.metadata.name))).toBe(false);
    const taints =
      informer<Node>('Node')
        .get(undefined, lost)
        ?.spec?.taints?.map((t) => t.key) ?? [];
    expect(taints).toContain('node.kubernetes.io/unreachable');
  }, 40_000);

  it('shows the story line by line when the output is not a terminal', () => {
    const text = screen.join('');
    expect(text).not.toContain('\x1b[');
    expect(text).toMatch(/pod default\/web-\S+ Running on node-\d, ready 1\/1/);
    expect(text).toMatch(/rollout \[#+\] deployment\/web: 3\/3 updated, 3 available/);
    expect(text).toMatch(/event Normal {2}ScalingReplicaSet deployment\/web/);
  });
});
