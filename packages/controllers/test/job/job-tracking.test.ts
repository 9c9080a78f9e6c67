import type { KubeObject, ObjectCache, Pod } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheSource } from '../../src/controller-context/controller-context.js';
import { completionIndexKey } from '../../src/job/completion-index.js';
import { JobReconciler } from '../../src/job/job-controller.js';
import { jobTrackingFinalizer, maxUncountedPods } from '../../src/job/job-tracking.js';
import { JobOrphanPodReconciler } from '../../src/job/orphan-pods.js';
import { testJob } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';
import { drivenGarbageCollector } from '../support/driven-gc.js';
import { crashingContext } from './crashing-context.js';

/**
 * Informers whose cache of `kind` is frozen as it is now (or shows `snapshot`):
 * a cache lagging behind the controller's own writes.
 */
function lagging(informers: CacheSource, kind: string, snapshot = informers.for(kind).cache.list()): CacheSource {
  const live = informers.for(kind).cache;
  const frozen: ObjectCache = new Proxy(live, {
    get(target, prop, receiver) {
      if (prop === 'list') return () => snapshot;
      if (prop === 'get') {
        return (ns: string, name: string) =>
          snapshot.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    for: <T extends KubeObject>(k: string) =>
      k === kind ? { cache: frozen as unknown as ObjectCache<T> } : informers.for<T>(k),
  };
}

describe('Job pod tracking with the batch.kubernetes.io/job-tracking finalizer', () => {
  let cluster: TestCluster;
  let reconciler: JobReconciler;
  beforeEach(async () => {
    cluster = new TestCluster();
    reconciler = new JobReconciler(cluster.ctx);
    const gc = drivenGarbageCollector(cluster);
    await cluster.start([
      // Delegates to whichever reconciler is current, so a test can restart the controller.
      {
        kind: 'Job',
        reconciler: { reconcile: (req) => reconciler.reconcile(req) },
        observePodEvent: (t, p, o) => reconciler.observePodEvent(t, p, o),
      },
      { kind: 'Pod', reconciler: new JobOrphanPodReconciler(cluster.ctx) },
      gc,
    ]);
  });
  afterEach(() => cluster.stop());

  const jobs = () => cluster.api.resource('Job');
  const pods = () => cluster.api.resource('Pod');
  const get = () => jobs().get('default', 'work');
  /** Every pod in the store, terminating ones included. */
  const stored = async () => (await pods().list({ namespace: 'default' })).items;
  const running = async () => (await cluster.pods()).filter((p) => p.status?.phase === 'Running');
  const created = async () =>
    (await cluster.events()).filter((e) => e.startsWith('SuccessfulCreate: Created pod: work-')).length;
  /** Finishes the running pod `pod` without letting any controller run. */
  const finish = (pod: Pod, phase: 'Succeeded' | 'Failed') =>
    cluster.runner.finish('default', pod.metadata.name, phase);
  const remove = (pod: Pod) => pods().delete('default', pod.metadata.name);

  it('creates every pod with the finalizer, and releases a finished pod only once it is counted', async () => {
    await jobs().create(testJob('work', { completions: 2, parallelism: 2 }));
    await cluster.settle();
    const [first] = await running();
    expect((await stored()).map((p) => p.metadata.finalizers)).toEqual([
      [jobTrackingFinalizer],
      [jobTrackingFinalizer],
    ]);
    await finish(first, 'Succeeded');
    await cluster.settle();
    const kept = await pods().get('default', first.metadata.name);
    expect(kept.metadata.finalizers ?? []).toEqual([]);
    expect(kept.status?.phase).toBe('Succeeded');
    expect((await get()).status).toMatchObject({
      succeeded: 1,
      failed: 0,
      active: 1,
      uncountedTerminatedPods: { succeeded: [], failed: [] },
    });
  });

  it.each([
    ['succeeded', 'Succeeded', { succeeded: 1, failed: 0 }],
    ['failed', 'Failed', { succeeded: 0, failed: 1 }],
    ['was still running', undefined, { succeeded: 0, failed: 1 }],
  ] as const)('a pod that %s and was deleted before the controller saw it is counted exactly once', async (_, phase, counts) => {
    await jobs().create(testJob('work', { completions: 2, parallelism: 2 }));
    await cluster.settle();
    const [pod] = await running();
    if (phase) await finish(pod, phase);
    await remove(pod);
    // The finalizer holds the pod (being deleted) until the Job has counted it.
    expect((await pods().get('default', pod.metadata.name)).metadata.deletionTimestamp).toBeDefined();
    await cluster.settle();
    expect((await stored()).map((p) => p.metadata.uid)).not.toContain(pod.metadata.uid);
    // A success leaves one completion to the other pod; a failure is replaced.
    const active = phase === 'Succeeded' ? 1 : 2;
    expect((await get()).status).toMatchObject({ ...counts, active });
    for (const p of await running()) await finish(p, 'Succeeded');
    await cluster.settle();
    const done = (await get()).status;
    expect(done).toMatchObject({ succeeded: 2, failed: counts.failed, active: 0 });
    expect(done?.conditions?.map((c) => c.type)).toEqual(['Complete']);
    expect(await created()).toBe(active + 1);
  });

  it('a pod cache lagging behind the released finalizer does not get the pod counted twice', async () => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 2 }));
    await cluster.settle();
    const [first] = await running();
    await finish(first, 'Succeeded');
    await cluster.clock.flush();
    // A controller whose pod cache stays at this moment: it never sees its own finalizer removal.
    const behind = new JobReconciler({ ...cluster.ctx, informers: lagging(cluster.ctx.informers, 'Pod') });
    const sync = () => behind.reconcile({ namespace: 'default', name: 'work' });
    await sync();
    await cluster.clock.flush();
    expect((await get()).status).toMatchObject({ succeeded: 1 });
    await sync();
    await cluster.clock.flush();
    expect((await get()).status).toMatchObject({ succeeded: 1, uncountedTerminatedPods: { succeeded: [] } });
  });

  it('a Job cache lagging behind the last count makes the next status write conflict instead of counting again', async () => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 2 }));
    await cluster.settle();
    const [first] = await running();
    await finish(first, 'Succeeded');
    await cluster.clock.flush();
    await reconciler.reconcile({ namespace: 'default', name: 'work' });
    await cluster.clock.flush();
    expect((await get()).status).toMatchObject({ succeeded: 1 });
    // A controller that sees the Job as it was before that count: recorded, not yet counted.
    const stale = structuredClone(await get());
    stale.status = {
      ...stale.status,
      succeeded: 0,
      uncountedTerminatedPods: { succeeded: [first.metadata.uid ?? ''], failed: [] },
    };
    stale.metadata.resourceVersion = String(Number(stale.metadata.resourceVersion) - 1);
    const behind = new JobReconciler({ ...cluster.ctx, informers: lagging(cluster.ctx.informers, 'Job', [stale]) });
    await expect(behind.reconcile({ namespace: 'default', name: 'work' })).rejects.toMatchObject({
      reason: 'Conflict',
    });
    expect((await get()).status).toMatchObject({ succeeded: 1 });
  });

  it(`more pods failing at once than the ${maxUncountedPods} a sync records are all counted before the Job fails`, async () => {
    const count = maxUncountedPods + 20;
    await jobs().create(testJob('work', { completions: count, parallelism: count, backoffLimit: 0 }));
    await cluster.settle();
    for (const p of await running()) await finish(p, 'Failed');
    await cluster.clock.flush();
    await reconciler.reconcile({ namespace: 'default', name: 'work' });
    const first = (await get()).status;
    expect(first?.failed).toBe(maxUncountedPods);
    expect(first?.conditions ?? []).toEqual([]);
    await cluster.settle();
    expect((await get()).status).toMatchObject({ succeeded: 0, failed: count, active: 0 });
    expect((await get()).status?.conditions?.map((c) => c.reason)).toEqual(['BackoffLimitExceeded']);
  });

  it('a pod deleted by the controller itself (suspend) is not counted as failed', async () => {
    await jobs().create(testJob('work', { completions: 2, parallelism: 2 }));
    await cluster.settle();
    await jobs().patch('default', 'work', { spec: { suspend: true } });
    await cluster.settle();
    expect(await stored()).toHaveLength(0);
    expect((await get()).status).toMatchObject({ active: 0, succeeded: 0, failed: 0 });
  });

  it.each([
    ['after recording, before releasing the pod', { podUpdates: true }, true],
    ['after releasing the pod, before counting it', { jobStatusAfter: 1 }, false],
  ] as const)('a controller restarted %s neither loses nor double-counts it', async (_, crash, stillHeld) => {
    await jobs().create(testJob('work', { completions: 2, parallelism: 2 }));
    await cluster.settle();
    const [first, second] = await running();
    await finish(first, 'Succeeded');
    await remove(first);
    await cluster.clock.flush();
    const crashing = new JobReconciler(crashingContext(cluster.ctx, crash));
    await expect(crashing.reconcile({ namespace: 'default', name: 'work' })).rejects.toThrow('controller crashed');

    const between = await get();
    expect(between.status).toMatchObject({
      succeeded: 0,
      uncountedTerminatedPods: { succeeded: [first.metadata.uid], failed: [] },
    });
    const held = (await stored()).some((p) => p.metadata.uid === first.metadata.uid);
    expect(held).toBe(stillHeld);

    // The restarted controller: a fresh reconciler on the same store and caches.
    reconciler = new JobReconciler(cluster.ctx);
    await cluster.settle();
    await cluster.settle();
    expect((await get()).status).toMatchObject({
      succeeded: 1,
      active: 1,
      uncountedTerminatedPods: { succeeded: [], failed: [] },
    });
    expect((await stored()).map((p) => p.metadata.uid)).toEqual([second.metadata.uid]);
    expect(await created()).toBe(2);
  });

  it('Indexed: a succeeded pod deleted before it was seen still completes its index, which is not run again', async () => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await cluster.settle();
    const byIndex = async (i: string) =>
      (await running()).find((p) => p.metadata.labels?.[completionIndexKey] === i) as Pod;
    const zero = await byIndex('0');
    await finish(zero, 'Succeeded');
    await remove(zero);
    const one = await byIndex('1');
    await finish(one, 'Failed');
    await remove(one);
    await cluster.settle();
    // Index 1 runs again at once: the failed pod that would set the backoff is gone.
    expect((await get()).status).toMatchObject({ completedIndexes: '0', succeeded: 1, failed: 1, active: 2 });
    const retried = (await running()).map((p) => p.metadata.labels?.[completionIndexKey]).sort();
    expect(retried).toEqual(['1', '2']);
    for (const p of await running()) await finish(p, 'Succeeded');
    await cluster.settle();
    expect((await get()).status).toMatchObject({ completedIndexes: '0-2', succeeded: 3, failed: 1 });
  });

  it('Indexed: a restart after the completed index was recorded but before the pod was released counts it once', async () => {
    await jobs().create(testJob('work', { completions: 2, parallelism: 2, completionMode: 'Indexed' }));
    await cluster.settle();
    const [first] = await running();
    await finish(first, 'Succeeded');
    await cluster.clock.flush();
    const crashing = new JobReconciler(crashingContext(cluster.ctx, { podUpdates: true }));
    await expect(crashing.reconcile({ namespace: 'default', name: 'work' })).rejects.toThrow('controller crashed');
    const index = first.metadata.labels?.[completionIndexKey];
    expect((await get()).status).toMatchObject({ completedIndexes: index, succeeded: 1 });
    expect((await pods().get('default', first.metadata.name)).metadata.finalizers).toEqual([jobTrackingFinalizer]);
    reconciler = new JobReconciler(cluster.ctx);
    await cluster.settle();
    expect((await get()).status).toMatchObject({ completedIndexes: index, succeeded: 1, active: 1 });
    expect((await pods().get('default', first.metadata.name)).metadata.finalizers ?? []).toEqual([]);
  });

  it.each([
    'Background',
    'Foreground',
  ] as const)('pods of a Job deleted with %s propagation lose the finalizer and go', async (propagationPolicy) => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 3 }));
    await cluster.settle();
    expect(await running()).toHaveLength(3);
    await jobs().delete('default', 'work', { propagationPolicy });
    await cluster.settle();
    expect(await stored()).toHaveLength(0);
    expect((await jobs().list({ namespace: 'default' })).items).toHaveLength(0);
  });

  it('a pod its Job orphaned (owner reference removed) loses the finalizer', async () => {
    await jobs().create(testJob('work'));
    await cluster.settle();
    const [pod] = await running();
    await jobs().delete('default', 'work', { propagationPolicy: 'Orphan' });
    await cluster.settle();
    const orphan = await pods().get('default', pod.metadata.name);
    expect(orphan.metadata.ownerReferences ?? []).toHaveLength(0);
    expect(orphan.metadata.finalizers ?? []).toEqual([]);
    await remove(orphan);
    await cluster.settle();
    expect(await stored()).toHaveLength(0);
  });

  it('a finished Job releases the pods it still holds', async () => {
    await jobs().create(testJob('work', { parallelism: 2, completions: 2 }));
    await cluster.settle();
    const current = await get();
    const at = new Date(cluster.clock.now()).toISOString();
    const failed = { type: 'Failed', status: 'True' as const, reason: 'Manual', lastTransitionTime: at };
    await jobs().updateStatus({ ...current, status: { ...current.status, conditions: [failed] } });
    await cluster.settle({ runPods: false });
    expect((await stored()).flatMap((p) => p.metadata.finalizers ?? [])).toEqual([]);
  });
});
