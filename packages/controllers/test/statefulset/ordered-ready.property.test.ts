import type { StatefulSet } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatefulSetReconciler } from '../../src/statefulset/statefulset-controller.js';
import { TestCluster } from '../support/cluster.js';

/** What happens between two controller rounds: the set is scaled, or a pod's readiness flips. */
type Step = { scale: number } | { flip: number };

const set = (replicas: number): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
  },
});

describe('StatefulSet OrderedReady, as a property', () => {
  it('never leaves a gap: after every round the live pods are ordinals 0..k-1, and k moves by at most one', async () => {
    const steps = fc.array(
      fc.oneof(
        fc.record({ scale: fc.integer({ min: 0, max: 4 }) }),
        fc.record({ flip: fc.integer({ min: 0, max: 3 }) }),
      ),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), steps, async (initial, plan: Step[]) => {
        const cluster = new TestCluster(['n1', 'n2']);
        try {
          cluster.informers.for('PersistentVolumeClaim');
          cluster.informers.for('ControllerRevision');
          await cluster.start([{ kind: 'StatefulSet', reconciler: new StatefulSetReconciler(cluster.ctx) }]);
          await cluster.api.resource('StatefulSet').create(set(initial));
          const notReady = new Set<number>();
          let before = 0;
          for (const step of plan) {
            if ('scale' in step) {
              await cluster.api.resource('StatefulSet').patch('default', 'db', { spec: { replicas: step.scale } });
            } else {
              if (notReady.has(step.flip)) notReady.delete(step.flip);
              else notReady.add(step.flip);
              cluster.runner.setReady(`db-${step.flip}`, !notReady.has(step.flip));
            }
            await cluster.round();
            const live = (await cluster.pods())
              .map((p) => Number(p.metadata.name.slice('db-'.length)))
              .sort((a, b) => a - b);
            expect(live).toEqual(live.map((_, i) => i));
            expect(Math.abs(live.length - before)).toBeLessThanOrEqual(1);
            before = live.length;
          }
        } finally {
          await cluster.stop();
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
