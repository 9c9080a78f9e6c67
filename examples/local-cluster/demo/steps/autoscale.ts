import { type Deployment, parseMilli } from '@flotilla/core';
import type { DemoContext, DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { livePods, waitForDeployment } from '../workloads.js';

/** CPU each web pod reports under load: 150m, three times the 50% of its 100m request that the HPA aims at. */
const loadMillicores = 150;
const idleMillicores = 5;

async function setWebCpu(ctx: DemoContext, millicores: number): Promise<void> {
  const d = ctx.cluster.manager.informers.for<Deployment>('Deployment').cache.get('default', 'web');
  const image = d?.spec.template?.spec?.containers[0]?.image;
  if (!image) throw new Error('deployment/web has no container image');
  await Promise.all(ctx.cluster.nodes.map((n) => n.setCpuUsage(image, millicores)));
}

async function waitForReplicas(ctx: DemoContext, what: string, ok: (n: number) => boolean): Promise<number> {
  const cache = ctx.cluster.manager.informers.for<Deployment>('Deployment').cache;
  await waitFor(ctx.clock, what, () => ok(cache.get('default', 'web')?.spec.replicas ?? 0), ctx.timeoutMs);
  const settled = await waitForDeployment(ctx, 'web');
  return settled.spec.replicas ?? 0;
}

/**
 * Puts simulated CPU load on the web pods (their containers report 150m),
 * waits for the HorizontalPodAutoscaler to scale web up, then removes the
 * load and waits for it to scale back to its floor.
 */
export const autoscaleStep: DemoStep = {
  title: 'autoscaling under load',
  explain:
    `Loading web: its containers now report ${loadMillicores}m CPU against a 100m request (target 50%). ` +
    "The autoscaler reads the agents' usage samples and scales up; when the load stops it scales back down " +
    'after a 10 s stabilization window (Kubernetes: 300 s).',
  needs: ['horizontalpodautoscaling'],
  unsupported: (ctx) =>
    ctx.cluster.nodes.every((n) => n.simulated)
      ? undefined
      : 'the load is simulated, which needs simulated nodes (run without --runtime docker)',
  async run(ctx) {
    const { api } = ctx.cluster;
    const hpa = await api.resource('HorizontalPodAutoscaler').get('default', 'web');
    const floor = 3;
    const before =
      ctx.cluster.manager.informers.for<Deployment>('Deployment').cache.get('default', 'web')?.spec.replicas ?? 0;
    const started = ctx.clock.now();
    // Load first, then the floor back to 3: from here the autoscaler alone decides, and it sees the load.
    await setWebCpu(ctx, loadMillicores);
    await waitFor(
      ctx.clock,
      'the agents to report the load of every web pod',
      () =>
        livePods(ctx, 'app=web').every((p) => {
          const usage = ctx.cluster.podMetrics.get('default', p.metadata.name)?.containers[0]?.usage.cpu;
          return usage !== undefined && parseMilli(usage) >= loadMillicores;
        }),
      ctx.timeoutMs,
    );
    await api.resource('HorizontalPodAutoscaler').patch('default', 'web', { spec: { minReplicas: floor } });
    const max = hpa.spec.maxReplicas;
    const up = await waitForReplicas(ctx, `the autoscaler to scale web up to ${max}`, (n) => n >= max);
    const upAfter = ((ctx.clock.now() - started) / 1000).toFixed(1);
    ctx.display.say(`  under load: web scaled ${before} -> ${up} in ${upAfter} s (max ${hpa.spec.maxReplicas})`);
    await setWebCpu(ctx, idleMillicores);
    const down = await waitForReplicas(ctx, `the autoscaler to scale web back to ${floor}`, (n) => n === floor);
    return `scaled ${before} -> ${up} under load, back to ${down} when it stopped`;
  },
};
