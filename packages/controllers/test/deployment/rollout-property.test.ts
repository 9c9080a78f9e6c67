import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rolloutStatus } from '../../src/deployment/rollout.js';
import { isPodAvailable } from '../../src/pod-control/pod-state.js';
import { testDeployment } from '../support/builders.js';
import type { TestCluster } from '../support/cluster.js';
import { RolloutBounds } from '../support/rollout-bounds.js';
import { deploymentCluster } from '../support/workload-cluster.js';

/** One thing that happens to a Deployment in the middle of its life. */
type Step =
  | { type: 'scale'; replicas: number }
  | { type: 'image'; version: number }
  | { type: 'readiness'; pick: number; ready: boolean }
  | { type: 'deletePod'; pick: number }
  | { type: 'rounds'; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ type: fc.constant('scale' as const), replicas: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ type: fc.constant('image' as const), version: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('readiness' as const), pick: fc.nat(), ready: fc.boolean() }),
  fc.record({ type: fc.constant('deletePod' as const), pick: fc.nat() }),
  fc.record({ type: fc.constant('rounds' as const), count: fc.integer({ min: 1, max: 3 }) }),
);
const fencepost = fc.constantFrom<number | string>(0, 1, 2, '25%', '50%');
/** maxSurge and maxUnavailable; validation refuses both 0. */
const fenceposts = fc.tuple(fencepost, fencepost).filter(([surge, unavailable]) => surge !== 0 || unavailable !== 0);

async function apply(cluster: TestCluster, bounds: RolloutBounds, s: Step, notReady: Set<string>): Promise<void> {
  const deployments = cluster.api.resource('Deployment');
  const pods = await cluster.pods();
  const picked =
    pods.length > 0 && (s.type === 'readiness' || s.type === 'deletePod') ? pods[s.pick % pods.length] : undefined;
  switch (s.type) {
    case 'scale':
      await deployments.patch('default', 'web', { spec: { replicas: s.replicas } });
      return;
    case 'image': {
      const d = await deployments.get('default', 'web');
      d.spec.template.spec.containers[0].image = `nginx:${s.version}`;
      await deployments.update(d);
      return;
    }
    case 'readiness':
      if (!picked) return;
      cluster.runner.setReady(picked.metadata.name, s.ready);
      if (s.ready) notReady.delete(picked.metadata.name);
      else notReady.add(picked.metadata.name);
      return;
    case 'deletePod':
      if (!picked) return;
      bounds.deletedByTest.add(picked.metadata.name);
      await cluster.api.resource('Pod').delete('default', picked.metadata.name);
      return;
    case 'rounds':
      for (let i = 0; i < s.count; i++) await cluster.round();
      return;
  }
}

describe('Deployment rolling update (property)', () => {
  it('never breaks the surge / unavailable bounds and converges to all-new, all-available', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fenceposts,
        fc.array(step, { minLength: 1, maxLength: 14 }),
        async (replicas, [maxSurge, maxUnavailable], steps) => {
          const cluster = await deploymentCluster(['node-1', 'node-2', 'node-3']);
          const bounds = new RolloutBounds(cluster);
          try {
            await cluster.api
              .resource('Deployment')
              .create(testDeployment('web', replicas, { maxSurge, maxUnavailable }, 'nginx:0'));
            await cluster.settle();
            await bounds.start('web');
            const notReady = new Set<string>();
            for (const s of steps) await apply(cluster, bounds, s, notReady);
            for (const name of notReady) cluster.runner.setReady(name, true);
            await cluster.settle();
            bounds.stop();
            expect(bounds.violations).toEqual([]);

            const d = await cluster.api.resource('Deployment').get('default', 'web');
            const want = d.spec.replicas ?? 1;
            const image = d.spec.template.spec.containers[0].image;
            const pods = await cluster.pods();
            expect(pods).toHaveLength(want);
            expect(pods.every((p) => p.spec.containers[0].image === image)).toBe(true);
            expect(pods.every((p) => isPodAvailable(p, 0, cluster.clock.now()))).toBe(true);
            expect(d.status).toMatchObject({ replicas: want, updatedReplicas: want, availableReplicas: want });
            expect((await rolloutStatus(cluster.api, 'default', 'web')).done).toBe(true);
          } finally {
            bounds.stop();
            await cluster.stop();
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
