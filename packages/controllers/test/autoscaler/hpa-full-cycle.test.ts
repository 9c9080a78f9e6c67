import {
  Api,
  type Deployment,
  FakeClock,
  type HorizontalPodAutoscaler,
  InMemoryPodMetrics,
  Manager,
  MemoryStore,
  toTimestamp,
} from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { registerHorizontalPodAutoscalerController } from '../../src/autoscaler/register.js';
import { registerDeploymentController } from '../../src/deployment/register.js';
import { registerReplicaSetController } from '../../src/replicaset/register.js';
import { PodRunner } from '../support/pod-runner.js';

function deployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
      },
    },
  };
}

function hpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
      ...spec,
    },
  };
}

/** Pod metrics that count lookups: each HPA evaluation reads every pod's sample once. */
class CountingPodMetrics extends InMemoryPodMetrics {
  reads = 0;
  override get(namespace: string, name: string) {
    this.reads++;
    return super.get(namespace, name);
  }
}

/**
 * A Deployment, its ReplicaSet controller and the HPA on one Manager and
 * FakeClock; a PodRunner plays the node agent and `load` (total millicores)
 * is spread evenly over the running pods in the metrics source, as a
 * load-balanced service would.
 */
class Fixture {
  readonly clock = new FakeClock();
  readonly store = new MemoryStore();
  readonly api = new Api({ store: this.store, clock: this.clock });
  readonly metrics = new CountingPodMetrics();
  readonly runner = new PodRunner(this.api, ['node-1']);
  readonly manager = new Manager({ api: this.api, clock: this.clock });
  private readonly abort = new AbortController();
  load = 0;

  async start(): Promise<void> {
    registerReplicaSetController(this.manager);
    registerDeploymentController(this.manager);
    registerHorizontalPodAutoscalerController(this.manager, { metrics: this.metrics });
    await this.manager.start(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.manager.stopped;
    await this.api.close();
  }

  /** Runs `ms` of cluster time in 1 s steps: pods run, usage is published, controllers act. */
  async run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      await this.runner.runAll();
      const pods = (await this.api.resource('Pod').list({ namespace: 'default' })).items.filter(
        (p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp,
      );
      for (const p of pods) {
        this.metrics.set({
          metadata: { name: p.metadata.name, namespace: 'default' },
          timestamp: toTimestamp(this.clock.now()),
          window: '15s',
          containers: [{ name: 'c', usage: { cpu: `${Math.round(this.load / pods.length)}m`, memory: '10Mi' } }],
        });
      }
      await this.clock.step(1000);
    }
  }

  async replicas(): Promise<number | undefined> {
    return (await this.api.resource('Deployment').get('default', 'web')).spec.replicas;
  }

  async hpa(): Promise<HorizontalPodAutoscaler> {
    return this.api.resource('HorizontalPodAutoscaler').get('default', 'web');
  }
}

describe('HorizontalPodAutoscaler full cycle', () => {
  let f: Fixture;
  afterEach(() => f.stop());

  it('scales a Deployment up as CPU load rises, and down only after the 300 s window once it falls', async () => {
    f = new Fixture();
    await f.start();
    await f.api.resource('Deployment').create(deployment(2));
    await f.api.resource('HorizontalPodAutoscaler').create(hpa());
    f.load = 100; // 50m per pod on 2 pods: at target
    await f.run(30_000);
    expect(await f.replicas()).toBe(2);
    expect((await f.hpa()).status).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });

    f.load = 360; // 180m per pod, 360% of the request: wants 8, first step limited to max(+4, +100%) = 6
    await f.run(16_000);
    expect(await f.replicas()).toBe(6);
    await f.run(30_000); // 60m per pod on 6 is 120% of target: ceil(1.2 x 6) = 8; 45m on 8 is within tolerance
    expect(await f.replicas()).toBe(8);
    const scaled = await f.hpa();
    expect(scaled.status?.currentMetrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '45m' } } },
    ]);
    const condition = (type: string) => scaled.status?.conditions?.find((c) => c.type === type);
    expect(condition('AbleToScale')?.status).toBe('True');
    expect(condition('ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(condition('ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });

    f.load = 80; // 10m per pod on 8, 10% of request: wants ceil(0.2 x 8) = 2, but the scale-down window holds it
    await f.run(280_000);
    expect(await f.replicas()).toBe(8);
    await f.run(40_000);
    expect(await f.replicas()).toBe(2);
    const events = (await f.api.resource('Event').list({ namespace: 'default' })).items;
    expect(events.filter((e) => e.reason === 'SuccessfulRescale').map((e) => e.message)).toEqual([
      'New size: 6; reason: cpu resource utilization (percentage of request) above target',
      'New size: 8; reason: cpu resource utilization (percentage of request) above target',
      'New size: 2; reason: cpu resource utilization (percentage of request) below target',
    ]);
  });

  // Kubernetes' HPA controller (pkg/controller/podautoscaler/horizontal.go enqueueHPA) adds every HPA event
  // to its queue with the resync period as delay and drops it while one waits: one evaluation per 15 s, the
  // first 15 s after the HPA appears, and none for its own status write.
  it('evaluates each HPA at most once per sync period, the first one a period after creation', async () => {
    f = new Fixture();
    await f.start();
    await f.api.resource('Deployment').create(deployment(1));
    f.load = 50;
    await f.run(5_000); // the pod runs and has a sample before the HPA exists
    await f.api.resource('HorizontalPodAutoscaler').create(hpa());
    const evaluations: number[] = [];
    const created = f.clock.now();
    for (const until of [14_000, 16_000, 29_000, 31_000, 44_000, 46_000]) {
      await f.run(created + until - f.clock.now());
      evaluations.push(f.metrics.reads);
    }
    expect(evaluations).toEqual([0, 1, 1, 2, 2, 3]);
    expect((await f.hpa()).status?.desiredReplicas).toBe(1);
  });

  it('respects maxReplicas (ScalingLimited TooManyReplicas) and reports missing metrics without scaling', async () => {
    f = new Fixture();
    await f.start();
    await f.api.resource('Deployment').create(deployment(2));
    await f.api.resource('HorizontalPodAutoscaler').create(hpa({ maxReplicas: 3 }));
    await f.clock.step(16_000); // no samples yet
    const waiting = await f.hpa();
    expect(waiting.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
    });
    expect(await f.replicas()).toBe(2);
    f.load = 2000;
    await f.run(60_000);
    expect(await f.replicas()).toBe(3);
    expect((await f.hpa()).status?.conditions?.find((c) => c.type === 'ScalingLimited')).toMatchObject({
      status: 'True',
      reason: 'TooManyReplicas',
    });
  });

  it('scales any kind with spec.replicas (a ReplicaSet) and leaves a target at 0 replicas alone', async () => {
    f = new Fixture();
    await f.start();
    const rs = deployment(2) as unknown as { kind: string; apiVersion: string; spec: Record<string, unknown> };
    delete rs.spec.strategy;
    await f.api.resource('ReplicaSet').create({ ...(rs as object), kind: 'ReplicaSet' } as never);
    await f.api
      .resource('HorizontalPodAutoscaler')
      .create(hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web' } }));
    f.load = 300;
    await f.run(20_000);
    expect((await f.api.resource('ReplicaSet').get('default', 'web')).spec.replicas).toBe(6);
    await f.api.resource('ReplicaSet').patch('default', 'web', { spec: { replicas: 0 } });
    await f.run(20_000);
    expect((await f.api.resource('ReplicaSet').get('default', 'web')).spec.replicas).toBe(0);
    expect((await f.hpa()).status?.conditions?.find((c) => c.type === 'ScalingActive')?.reason).toBe('ScalingDisabled');
  });
});
