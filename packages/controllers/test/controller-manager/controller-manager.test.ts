import {
  Api,
  BadRequestError,
  type Deployment,
  FakeClock,
  type HorizontalPodAutoscaler,
  InMemoryPodMetrics,
  Manager,
  MemoryStore,
  type Service,
  toTimestamp,
} from '@flotilla/core';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ControllerManagerOptionsToken,
  controllerRegistrations,
  controllersModule,
  StartControllerManagerToken,
  startControllerManager,
} from '../../src/controller-manager.js';
import { rolloutStatus } from '../../src/deployment/rollout.js';
import { testDaemonSet, testDeployment } from '../support/builders.js';
import { PodRunner } from '../support/pod-runner.js';

/** A store and Api that outlive the managers started on them, to simulate controller-manager crashes. */
function fixture() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  return { clock, store, api, runner: new PodRunner(api, ['node-1', 'node-2']) };
}

/** A Deployment whose pods request 100m CPU, so an HPA can compute utilization. */
function requestingDeployment(name: string, replicas: number): Deployment {
  const deployment = testDeployment(name, replicas);
  deployment.spec.template.spec.containers[0]!.resources = { requests: { cpu: '100m' } };
  return deployment;
}

/** An HPA on `name` aiming at 50% CPU utilization, 1 to 10 replicas. */
function cpuAutoscaler(name: string): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    },
  };
}

function nodePortService(name: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

async function startManager(api: Api, clock: FakeClock, controllers = ['replicaset', 'deployment']) {
  const abort = new AbortController();
  const manager = new Manager({ api, clock });
  startControllerManager(manager, { controllers });
  await manager.start(abort.signal);
  return { manager, abort };
}

/** Runs pods and steps the fake clock until `done` holds (no real sleeping). */
async function until(f: ReturnType<typeof fixture>, done: () => Promise<boolean>, steps = 400): Promise<void> {
  for (let i = 0; i < steps; i++) {
    if (await done()) return;
    await f.runner.runAll();
    await f.clock.step(50);
  }
  throw new Error('condition not reached');
}

describe('startControllerManager', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('refuses unknown controller names', () => {
    const f = fixture();
    const manager = new Manager({ api: f.api, clock: f.clock });
    expect(() => startControllerManager(manager, { controllers: ['replicaset', 'replcaset'] })).toThrow(
      /unknown controllers: replcaset/,
    );
  });

  it('runs a Deployment to completion through the Manager', async () => {
    const f = fixture();
    const { abort, manager } = await startManager(f.api, f.clock);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
    });
    await f.api.resource('Deployment').create(testDeployment('web', 4));
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    const pods = (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    expect(pods).toHaveLength(4);
  });

  it('collects the dependents of a kind registered after the garbage collector started', async () => {
    const f = fixture();
    const { abort, manager } = await startManager(f.api, f.clock, ['garbagecollector']);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
    });
    f.api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Gadget',
      plural: 'gadgets',
      namespaced: true,
    });
    const gadget = await f.api.resource('Gadget').create({
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g', namespace: 'default' },
    });
    const owned = (name: string, kind: string, uid: string) => ({
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind, name: 'g', uid }] },
    });
    // A Gadget owned by a ConfigMap, and a ConfigMap owned by the Gadget: the new kind as dependent and as owner.
    const config = await f.api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'g', namespace: 'default' },
    });
    await f.api.resource('Gadget').create(owned('child', 'ConfigMap', config.metadata.uid!));
    await f.api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'settings',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g', uid: gadget.metadata.uid! }],
      },
    });
    await f.api.resource('Gadget').delete('default', 'g');
    await f.api.resource('ConfigMap').delete('default', 'g');
    const names = async (kind: string) =>
      (await f.api.resource(kind).list({ namespace: 'default' })).items.map((o) => o.metadata.name);
    await until(f, async () => (await names('ConfigMap')).length === 0 && (await names('Gadget')).length === 0);
  });

  it("registers the batch, daemon and GC controllers with Kubernetes' worker counts", () => {
    const byName = new Map(controllerRegistrations.map((r) => [r.name, r.defaultConcurrency]));
    expect(['daemonset', 'job', 'cronjob', 'garbagecollector', 'podgc'].map((n) => [n, byName.get(n)])).toEqual([
      ['daemonset', 2],
      ['job', 5],
      ['cronjob', 5],
      ['garbagecollector', 20],
      ['podgc', 1],
    ]);
  });

  it('runs a CronJob through Job and pods to completion, and collects it all when the CronJob goes', async () => {
    const f = fixture();
    const abort = new AbortController();
    const manager = new Manager({ api: f.api, clock: f.clock });
    startControllerManager(manager, { controllers: ['job', 'cronjob', 'garbagecollector', 'podgc'] });
    await manager.start(abort.signal);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
    });
    await f.api.resource('CronJob').create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'default' },
      spec: {
        schedule: '@hourly',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    });
    await f.clock.step(3600_000);
    const pods = async () => (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    await until(f, async () => (await pods()).some((p) => p.status?.phase === 'Running'));
    for (const p of await pods()) await f.runner.finish('default', p.metadata.name, 'Succeeded');
    const job = async () => (await f.api.resource('Job').list({ namespace: 'default' })).items[0];
    await until(f, async () => (await job())?.status?.conditions?.[0]?.type === 'Complete');
    expect((await job()).metadata.name).toBe(`report-${Date.UTC(2026, 0, 1, 1) / 60_000}`);
    await f.api.resource('CronJob').delete('default', 'report');
    await until(f, async () => !(await job()) && (await pods()).length === 0);
  });

  it('crash safety: a Job run by a succession of managers makes exactly its completions, never above parallelism', async () => {
    const f = fixture();
    let current = await startManager(f.api, f.clock, ['job']);
    let maxActive = 0;
    const watch = f.api
      .resource('Pod')
      .watch({ namespace: 'default' })
      .subscribe(() => {
        void f.api
          .resource('Pod')
          .list({ namespace: 'default' })
          .then(({ items }) => {
            const active = items.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded');
            maxActive = Math.max(maxActive, active.length);
          });
      });
    await f.api.resource('Job').create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch', namespace: 'default' },
      spec: {
        completions: 10,
        parallelism: 3,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    const job = () => f.api.resource('Job').get('default', 'batch');
    for (const crashAfter of [1, 2, 3, 1, 2, 4]) {
      for (let i = 0; i < crashAfter; i++) {
        const { items } = await f.api.resource('Pod').list({ namespace: 'default' });
        const running = items.find((p) => p.status?.phase === 'Running');
        if (running) await f.runner.finish('default', running.metadata.name, 'Succeeded');
        await f.runner.runAll();
        await f.clock.step(50);
      }
      current.abort.abort();
      await current.manager.stopped;
      current = await startManager(f.api, f.clock, ['job']);
    }
    await until(f, async () => {
      const { items } = await f.api.resource('Pod').list({ namespace: 'default' });
      for (const p of items.filter((x) => x.status?.phase === 'Running')) {
        await f.runner.finish('default', p.metadata.name, 'Succeeded');
      }
      return (await job()).status?.conditions?.[0]?.type === 'Complete';
    });
    current.abort.abort();
    await current.manager.stopped;
    watch.unsubscribe();
    const pods = (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    expect(pods.filter((p) => p.status?.phase === 'Succeeded')).toHaveLength(10);
    expect(pods).toHaveLength(10);
    expect(maxActive).toBeLessThanOrEqual(3);
    expect((await job()).status).toMatchObject({ succeeded: 10, active: 0, failed: 0 });
  });

  it('wakes the DaemonSet controller on Node events: a node added gets its daemon pod', async () => {
    const f = fixture();
    const node = (name: string) => ({ apiVersion: 'v1' as const, kind: 'Node' as const, metadata: { name } });
    await f.api.resource('Node').create(node('node-1'));
    const current = await startManager(f.api, f.clock, ['daemonset']);
    cleanups.push(async () => {
      current.abort.abort();
      await current.manager.stopped;
    });
    await f.api.resource('DaemonSet').create(testDaemonSet({ image: 'agent' }));
    const nodesWithPods = async () =>
      (await f.api.resource('Pod').list({ namespace: 'default' })).items.map((p) => p.spec.nodeName).sort();
    await until(f, async () => (await nodesWithPods()).join() === 'node-1');
    await f.api.resource('Node').create(node('node-2'));
    await until(f, async () => (await nodesWithPods()).join() === 'node-1,node-2');
  });

  it('hands the metrics source to the HPA controller: pods at 100% of their request double the Deployment', async () => {
    const f = fixture();
    const metrics = new InMemoryPodMetrics();
    const abort = new AbortController();
    const manager = new Manager({ api: f.api, clock: f.clock });
    startControllerManager(manager, { controllers: ['replicaset', 'deployment', 'horizontalpodautoscaling'], metrics });
    await manager.start(abort.signal);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
    });
    await f.api.resource('Deployment').create(requestingDeployment('web', 2));
    await f.api.resource('HorizontalPodAutoscaler').create(cpuAutoscaler('web'));
    const replicas = async () => (await f.api.resource('Deployment').get('default', 'web')).spec.replicas;
    for (let t = 0; t < 60_000 && (await replicas()) === 2; t += 1000) {
      await f.runner.runAll();
      for (const p of (await f.api.resource('Pod').list({ namespace: 'default' })).items) {
        if (p.status?.phase !== 'Running') continue;
        metrics.set({
          metadata: { name: p.metadata.name, namespace: 'default' },
          timestamp: toTimestamp(f.clock.now()),
          window: '15s',
          containers: [{ name: 'c', usage: { cpu: '100m', memory: '10Mi' } }],
        });
      }
      await f.clock.step(1000);
    }
    expect(await replicas()).toBe(4);
  });

  it('without a metrics source the HPA reports FailedGetResourceMetric', async () => {
    const f = fixture();
    const current = await startManager(f.api, f.clock, ['replicaset', 'deployment', 'horizontalpodautoscaling']);
    cleanups.push(async () => {
      current.abort.abort();
      await current.manager.stopped;
    });
    await f.api.resource('Deployment').create(requestingDeployment('web', 2));
    await f.api.resource('HorizontalPodAutoscaler').create(cpuAutoscaler('web'));
    const active = async () =>
      (await f.api.resource('HorizontalPodAutoscaler').get('default', 'web')).status?.conditions?.find(
        (c) => c.type === 'ScalingActive',
      );
    await until(f, async () => (await active()) !== undefined);
    expect(await active()).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
  });

  it('allocates ClusterIPs and NodePorts from the ranges it is given', async () => {
    const f = fixture();
    const manager = new Manager({ api: f.api, clock: f.clock });
    startControllerManager(manager, {
      controllers: ['service'],
      serviceClusterIPRange: '198.18.4.0/24',
      serviceNodePortRange: '31000-31004',
    });
    const services = f.api.resource('Service');
    const created = await Promise.all(['a', 'b', 'c'].map((n) => services.create(nodePortService(n))));
    for (const svc of created) {
      expect(svc.spec.clusterIP).toMatch(/^198\.18\.4\.\d+$/);
      expect(svc.spec.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(31000);
      expect(svc.spec.ports?.[0]?.nodePort).toBeLessThanOrEqual(31004);
    }
  });

  it.each([
    { setting: 'serviceClusterIPRange', value: '10.0.0.0/31' },
    { setting: 'serviceNodePortRange', value: '32767-30000' },
  ])('refuses an unusable $setting ($value) when the preset starts', ({ setting, value }) => {
    const f = fixture();
    const manager = new Manager({ api: f.api, clock: f.clock });
    expect(() => startControllerManager(manager, { controllers: ['service'], [setting]: value })).toThrow(
      BadRequestError,
    );
  });

  it('is available as an inversify module', async () => {
    const f = fixture();
    const container = new Container();
    container.bind(ControllerManagerOptionsToken).toConstantValue({ controllers: ['replicaset'] });
    await container.load(controllersModule);
    const start = container.get<(m: Manager) => string[]>(StartControllerManagerToken);
    expect(start(new Manager({ api: f.api, clock: f.clock }))).toEqual(['replicaset']);
  });

  it('crash safety: a fresh manager finishes an interrupted rollout with no duplicate or leaked pods', async () => {
    const f = fixture();
    let current = await startManager(f.api, f.clock);
    await f.api.resource('Deployment').create(testDeployment('web', 6, { maxSurge: 2, maxUnavailable: 1 }));
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    const d = await f.api.resource('Deployment').get('default', 'web');
    d.spec.template.spec.containers[0].image = 'nginx:2';
    await f.api.resource('Deployment').update(d);
    // Crash at several points of the rollout, each time starting a fresh manager on the same store.
    for (const stepsBeforeCrash of [1, 3, 2, 5]) {
      for (let i = 0; i < stepsBeforeCrash; i++) {
        await f.runner.runAll();
        await f.clock.step(50);
      }
      current.abort.abort();
      await current.manager.stopped;
      current = await startManager(f.api, f.clock);
    }
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    current.abort.abort();
    await current.manager.stopped;
    const pods = (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    const sets = (await f.api.resource('ReplicaSet').list({ namespace: 'default' })).items;
    const live = sets.filter((s) => (s.spec.replicas ?? 0) > 0);
    expect(live).toHaveLength(1);
    expect(pods).toHaveLength(6);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:2')).toBe(true);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === live[0].metadata.uid)).toBe(true);
  });
});
