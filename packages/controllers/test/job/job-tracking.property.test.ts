import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobReconciler } from '../../src/job/job-controller.js';
import { JobOrphanPodReconciler } from '../../src/job/orphan-pods.js';
import { testJob } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';
import { type Crash, crashingContext } from './crashing-context.js';

/** What happens to one running pod in a step. */
const endings = ['Succeeded', 'Failed', 'deleted while running'] as const;

/** One step: a running pod ends, maybe is deleted right after, and maybe a controller crashes syncing it. */
const step = fc.record({
  pod: fc.nat(),
  ending: fc.constantFrom(...endings),
  deleteAfter: fc.boolean(),
  crash: fc.constantFrom<Crash | undefined>(
    undefined,
    { podUpdates: true },
    { jobStatusAfter: 0 },
    { jobStatusAfter: 1 },
  ),
});

const work = testJob('work', { completions: 6, parallelism: 3, backoffLimit: 100 });

describe('Job pod tracking, property', () => {
  it('whatever pods do and wherever a controller crashes, each ended pod is counted exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const cluster = new TestCluster();
        let reconciler = new JobReconciler(cluster.ctx);
        await cluster.start([
          {
            kind: 'Job',
            reconciler: { reconcile: (req) => reconciler.reconcile(req) },
            observePodEvent: (t, p, o) => reconciler.observePodEvent(t, p, o),
          },
          { kind: 'Pod', reconciler: new JobOrphanPodReconciler(cluster.ctx) },
        ]);
        const pods = cluster.api.resource('Pod');
        const truth = { succeeded: new Set<string>(), failed: new Set<string>() };
        try {
          await cluster.api.resource('Job').create(work);
          await cluster.settle();
          for (const s of steps) {
            const running = (await cluster.pods()).filter((p) => p.status?.phase === 'Running');
            if (running.length === 0) break;
            const pod = running[s.pod % running.length];
            const uid = pod.metadata.uid ?? '';
            if (s.ending === 'deleted while running') {
              await pods.delete('default', pod.metadata.name);
            } else {
              await cluster.runner.finish('default', pod.metadata.name, s.ending);
              if (s.deleteAfter) await pods.delete('default', pod.metadata.name);
            }
            (s.ending === 'Succeeded' ? truth.succeeded : truth.failed).add(uid);
            if (s.crash) {
              await cluster.clock.flush();
              const crashed = new JobReconciler(crashingContext(cluster.ctx, s.crash));
              await crashed.reconcile({ namespace: 'default', name: 'work' }).catch(() => undefined);
              // The restarted controller starts with nothing in memory.
              reconciler = new JobReconciler(cluster.ctx);
            }
            await cluster.clock.step(600_000);
            await cluster.settle();
            const status = (await cluster.api.resource('Job').get('default', 'work')).status;
            expect(status?.uncountedTerminatedPods).toEqual({ succeeded: [], failed: [] });
            expect([status?.succeeded, status?.failed]).toEqual([truth.succeeded.size, truth.failed.size]);
          }
        } finally {
          await cluster.stop();
        }
      }),
      { numRuns: 40 },
    );
  });
});
