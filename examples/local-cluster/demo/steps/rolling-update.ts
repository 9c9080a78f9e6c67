import type { Deployment } from '@flotilla/core';
import { RequestLoop, type TrafficTally } from '../service-client.js';
import type { DemoStep } from '../step.js';
import { livePods, waitForDeployment } from '../workloads.js';

/**
 * Rolls Deployment web to `image` while clients keep calling the web
 * Service through the proxy, and fails if a single request failed.
 */
export function rollingUpdateStep(image: string): DemoStep {
  return {
    title: `rolling update to ${image}`,
    explain:
      `Rolling web to ${image}: at most 2 pods above the desired count (maxSurge) and 1 below it ` +
      `(maxUnavailable) at any time, while two clients call the service without pause.`,
    async run(ctx) {
      const { cluster } = ctx;
      // Without EndpointSlices the proxy has no pods to send to, so there is no traffic to measure.
      const served = cluster.controllers.includes('endpointslice');
      if (!served) ctx.display.say('  (no endpointslice controller in this build: rolling without traffic)');
      const traffic = new RequestLoop(() => cluster.serviceAddress('default', 'web', 'http'), ctx.clock, {
        parallel: served ? 2 : 0,
      });
      let tally: TrafficTally;
      try {
        const current = cluster.manager.informers.for<Deployment>('Deployment').cache.get('default', 'web');
        // A merge patch replaces lists whole, so the containers go back complete, with only the image changed.
        const containers = (current?.spec.template?.spec?.containers ?? []).map((c, i) =>
          i === 0 ? { ...c, image } : c,
        );
        const patched = await cluster.api
          .resource('Deployment')
          .patch('default', 'web', { spec: { template: { spec: { containers } } } });
        await waitForDeployment(ctx, 'web', 'default', patched.metadata.generation);
      } finally {
        tally = await traffic.stop();
        ctx.stats.requestsOk += tally.ok;
        ctx.stats.requestsFailed += tally.failed;
      }
      if (tally.failed > 0) {
        throw new Error(
          `${tally.failed} of ${tally.ok + tally.failed} requests failed during the rollout: ${tally.errors.join('; ')}`,
        );
      }
      const stale = livePods(ctx, 'app=web').filter((p) => p.spec.containers[0]?.image !== image);
      if (stale.length > 0)
        throw new Error(`pods still on the old image: ${stale.map((p) => p.metadata.name).join(', ')}`);
      if (!served) return `every web pod runs ${image}`;
      ctx.display.say(`  ${tally.ok} requests answered during the rollout by ${tally.byPod.size} pods, none failed`);
      return `every web pod runs ${image}; ${tally.ok} requests during the rollout, none failed`;
    },
  };
}
