import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completionIndexKey } from '../../src/job/completion-index.js';
import { JobReconciler } from '../../src/job/job-controller.js';
import { testJob } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';

describe('Job controller', () => {
  let cluster: TestCluster;
  let reconciler: JobReconciler;
  beforeEach(async () => {
    cluster = new TestCluster();
    reconciler = new JobReconciler(cluster.ctx);
    await cluster.start([
      { kind: 'Job', reconciler, observePodEvent: (t, p, o) => reconciler.observePodEvent(t, p, o) },
    ]);
  });
  afterEach(() => cluster.stop());

  const jobs = () => cluster.api.resource('Job');
  const get = () => jobs().get('default', 'work');
  const conditionsOf = async () => ((await get()).status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]);
  /** Ends every active pod (all, or those the filter picks) with `phase`. */
  const finish = async (phase: 'Succeeded' | 'Failed', pick: (name: string) => boolean = () => true) => {
    for (const p of await cluster.pods()) {
      if (p.status?.phase === 'Running' && pick(p.metadata.name)) {
        await cluster.runner.finish('default', p.metadata.name, phase);
      }
    }
    await cluster.settle();
  };
  const running = async () => (await cluster.pods()).filter((p) => p.status?.phase === 'Running');

  it('runs completions pods, parallelism at a time, then reports Complete', async () => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 2 }));
    await cluster.settle();
    expect(await running()).toHaveLength(2);
    expect((await get()).status).toMatchObject({ active: 2, ready: 2, succeeded: 0, failed: 0 });
    expect((await get()).status?.startTime).toBeDefined();
    await finish('Succeeded');
    expect(await running()).toHaveLength(1);
    expect((await get()).status).toMatchObject({ active: 1, succeeded: 2 });
    await finish('Succeeded');
    const done = await get();
    expect(done.status).toMatchObject({ active: 0, succeeded: 3, failed: 0, completionTime: expect.any(String) });
    expect(await conditionsOf()).toEqual([['Complete', 'True', 'CompletionsReached']]);
    const events = await cluster.events();
    expect(events.filter((e) => e.startsWith('SuccessfulCreate: Created pod: work-'))).toHaveLength(3);
    expect(events).toContain('Completed: Job completed');
  });

  it('without completions (work queue) completes when one pod succeeded and none is active', async () => {
    await jobs().create(testJob('work', { parallelism: 2, completions: undefined }));
    await cluster.settle();
    expect(await running()).toHaveLength(2);
    const [first] = await running();
    await finish('Succeeded', (n) => n === first.metadata.name);
    expect(await running()).toHaveLength(1);
    expect(await conditionsOf()).toEqual([]);
    await finish('Succeeded');
    expect(await conditionsOf()).toEqual([['Complete', 'True', 'CompletionsReached']]);
  });

  it('Indexed: one pod per index with annotation, label, env and hostname; completedIndexes in range form', async () => {
    await jobs().create(testJob('work', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await cluster.settle();
    const pods = await running();
    expect(pods.map((p) => p.metadata.annotations?.[completionIndexKey]).sort()).toEqual(['0', '1', '2']);
    for (const p of pods) {
      const index = p.metadata.labels?.[completionIndexKey];
      expect(p.metadata.annotations?.[completionIndexKey]).toBe(index);
      expect(p.metadata.name.startsWith(`work-${index}-`)).toBe(true);
      expect(p.spec.hostname).toBe(`work-${index}`);
      expect(p.spec.containers[0].env).toContainEqual({ name: 'JOB_COMPLETION_INDEX', value: index });
    }
    const byIndex = (i: string) => (n: string) => n.startsWith(`work-${i}-`);
    await finish('Succeeded', byIndex('2'));
    await finish('Succeeded', byIndex('0'));
    expect((await get()).status).toMatchObject({ completedIndexes: '0,2', succeeded: 2, active: 1 });
    await finish('Failed', byIndex('1'));
    await cluster.clock.step(10_000);
    await cluster.settle();
    const [retry] = await running();
    expect(retry.metadata.annotations?.[completionIndexKey]).toBe('1');
    await finish('Succeeded');
    expect((await get()).status).toMatchObject({ completedIndexes: '0-2', succeeded: 3, failed: 1 });
    expect(await conditionsOf()).toEqual([['Complete', 'True', 'CompletionsReached']]);
  });

  it('replaces failed pods after a 10 s, then 20 s backoff, and fails past backoffLimit', async () => {
    await jobs().create(testJob('work', { backoffLimit: 2 }));
    await cluster.settle();
    await finish('Failed');
    expect(await running()).toHaveLength(0);
    await cluster.clock.step(9_999);
    await cluster.settle();
    expect(await running()).toHaveLength(0);
    await cluster.clock.step(1);
    await cluster.settle();
    expect(await running()).toHaveLength(1);
    await finish('Failed');
    await cluster.clock.step(19_999);
    await cluster.settle();
    expect(await running()).toHaveLength(0);
    await cluster.clock.step(1);
    await cluster.settle();
    expect(await running()).toHaveLength(1);
    expect(await conditionsOf()).toEqual([]);
    await finish('Failed');
    expect((await get()).status).toMatchObject({ failed: 3, active: 0 });
    expect(await conditionsOf()).toEqual([['Failed', 'True', 'BackoffLimitExceeded']]);
    expect(await cluster.events()).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit');
    await cluster.clock.step(600_000);
    await cluster.settle();
    expect(await running()).toHaveLength(0);
  });

  it('with restartPolicy OnFailure counts container restarts against backoffLimit', async () => {
    const onFailure = testJob('work', { backoffLimit: 2 });
    onFailure.spec.template.spec.restartPolicy = 'OnFailure';
    await jobs().create(onFailure);
    await cluster.settle();
    const [pod] = await running();
    const restarted = (restartCount: number) => ({
      status: { containerStatuses: [{ name: 'c', ready: true, restartCount, image: 'busybox' }] },
    });
    await cluster.api.resource('Pod').patchStatus('default', pod.metadata.name, restarted(2));
    await cluster.settle({ runPods: false });
    expect(await conditionsOf()).toEqual([]);
    await cluster.api.resource('Pod').patchStatus('default', pod.metadata.name, restarted(3));
    await cluster.settle({ runPods: false });
    expect(await conditionsOf()).toEqual([['Failed', 'True', 'BackoffLimitExceeded']]);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes its active pods', async () => {
    await jobs().create(testJob('work', { parallelism: 2, completions: 4, activeDeadlineSeconds: 30 }));
    await cluster.settle();
    expect(await running()).toHaveLength(2);
    const result = await reconciler.reconcile({ namespace: 'default', name: 'work' });
    expect(result?.requeueAfterMs).toBe(30_000);
    await cluster.clock.step(30_000);
    await cluster.settle();
    expect(await cluster.pods()).toHaveLength(0);
    expect(await conditionsOf()).toEqual([['Failed', 'True', 'DeadlineExceeded']]);
    expect((await get()).status?.active).toBe(0);
  });

  it('suspend deletes active pods and clears startTime; resuming starts again', async () => {
    await jobs().create(testJob('work', { parallelism: 2, completions: 2 }));
    await cluster.settle();
    expect(await running()).toHaveLength(2);
    await jobs().patch('default', 'work', { spec: { suspend: true } });
    await cluster.settle();
    expect(await cluster.pods()).toHaveLength(0);
    expect((await get()).status?.startTime).toBeUndefined();
    expect(await conditionsOf()).toEqual([['Suspended', 'True', 'JobSuspended']]);
    await jobs().patch('default', 'work', { spec: { suspend: false } });
    await cluster.settle();
    expect(await running()).toHaveLength(2);
    expect((await get()).status?.startTime).toBeDefined();
    expect(await conditionsOf()).toEqual([['Suspended', 'False', 'JobResumed']]);
    expect(await cluster.events()).toEqual(
      expect.arrayContaining(['Suspended: Job suspended', 'Resumed: Job resumed']),
    );
  });

  it('a Job created suspended makes no pods', async () => {
    await jobs().create(testJob('work', { suspend: true }));
    await cluster.settle();
    expect(await cluster.pods()).toHaveLength(0);
    expect((await get()).status).toMatchObject({ active: 0, succeeded: 0 });
  });

  it('deletes the finished Job ttlSecondsAfterFinished later, in foreground', async () => {
    await jobs().create(testJob('work', { ttlSecondsAfterFinished: 60 }));
    await cluster.settle();
    await finish('Succeeded');
    expect(await conditionsOf()).toEqual([['Complete', 'True', 'CompletionsReached']]);
    const result = await reconciler.reconcile({ namespace: 'default', name: 'work' });
    expect(result?.requeueAfterMs).toBe(60_000);
    await cluster.clock.step(59_999);
    await cluster.settle();
    expect((await get()).metadata.deletionTimestamp).toBeUndefined();
    await cluster.clock.step(1);
    await cluster.settle();
    const deleting = await get();
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toContain('foregroundDeletion');
  });
});
