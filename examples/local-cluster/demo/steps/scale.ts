import { isReason } from '@flotilla/core';
import type { DemoStep } from '../step.js';
import { livePods, spread, waitForDeployment } from '../workloads.js';

/** Scales Deployment web from its replicas to `replicas`, raising its autoscaler's floor with it. */
export function scaleStep(replicas: number): DemoStep {
  return {
    title: `scale web to ${replicas}`,
    explain:
      `Scaling web to ${replicas} replicas. web has an autoscaler, which would undo a bare kubectl scale, ` +
      `so its floor (minReplicas) goes to ${replicas} too; the ReplicaSet creates pods, the scheduler spreads them.`,
    async run(ctx) {
      const { api } = ctx.cluster;
      try {
        await api.resource('HorizontalPodAutoscaler').patch('default', 'web', {
          spec: { minReplicas: replicas },
        });
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
      }
      const started = ctx.clock.now();
      const patched = await api.resource('Deployment').patch('default', 'web', { spec: { replicas } });
      await waitForDeployment(ctx, 'web', 'default', patched.metadata.generation);
      const pods = livePods(ctx, 'app=web');
      return `${pods.length} web pods available after ${((ctx.clock.now() - started) / 1000).toFixed(1)} s (${spread(pods)})`;
    },
  };
}
