import { type CronJob, type Job, toTimestamp } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CronJobReconciler } from '../../src/cronjob/cronjob-controller.js';
import { TestCluster } from '../support/cluster.js';

function cronJob(name: string, schedule: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      ...spec,
    },
  };
}

describe('CronJob controller', () => {
  let cluster: TestCluster;
  let reconciler: CronJobReconciler;
  /** Names of every Job ever created, in order. */
  let created: string[];
  beforeEach(async () => {
    cluster = new TestCluster();
    reconciler = new CronJobReconciler(cluster.ctx);
    cluster.informers.for('Job');
    await cluster.start([{ kind: 'CronJob', reconciler }]);
    created = [];
    cluster.api
      .resource('Job')
      .watch({ namespace: 'default' })
      .subscribe((e) => {
        if (e.type === 'ADDED') created.push(e.object.metadata.name);
      });
  });
  afterEach(() => cluster.stop());

  const cronJobs = () => cluster.api.resource('CronJob');
  const jobs = async () => (await cluster.api.resource('Job').list({ namespace: 'default' })).items;
  const sync = () => reconciler.reconcile({ namespace: 'default', name: 'tick' });
  /** Marks every unfinished Job finished, as the Job controller would. */
  const finishJobs = async (type: 'Complete' | 'Failed' = 'Complete') => {
    const at = toTimestamp(cluster.clock.now());
    for (const j of await jobs()) {
      if (j.status?.conditions?.length) continue;
      await cluster.api.resource('Job').updateStatus({
        ...j,
        status: {
          conditions: [{ type, status: 'True', lastTransitionTime: at }],
          ...(type === 'Complete' ? { completionTime: at } : {}),
        },
      } as Job);
    }
    await cluster.settle();
  };
  /**
   * Lets a day pass, waking the controller only when its last sync asked to
   * be requeued (no settle loop: only the clock and the requeue drive it).
   */
  const runDay = async (afterEachRun?: () => Promise<void>) => {
    const end = cluster.clock.now() + 24 * 3600_000;
    let result = await sync();
    let wakeups = 0;
    while (cluster.clock.now() < end) {
      expect(result?.requeueAfterMs).toBeGreaterThan(0);
      await cluster.clock.step(Math.min(result?.requeueAfterMs ?? 0, end - cluster.clock.now()));
      result = await sync();
      await cluster.clock.flush();
      await afterEachRun?.();
      wakeups++;
    }
    return wakeups;
  };

  it('runs every 15 minutes through a day, woken only by requeueAfterMs, keeping 3 successful Jobs', async () => {
    await cronJobs().create(cronJob('tick', '*/15 * * * *'));
    const wakeups = await runDay(() => finishJobs());
    expect(created).toHaveLength(96);
    expect(wakeups).toBe(96);
    const start = Date.UTC(2026, 0, 1) / 60_000;
    expect(created[0]).toBe(`tick-${start + 15}`);
    expect(new Set(created).size).toBe(96);
    await sync();
    await cluster.settle();
    expect((await jobs()).map((j) => j.metadata.name).sort()).toEqual(created.slice(-3).sort());
    const cj = await cronJobs().get('default', 'tick');
    expect(cj.status?.lastScheduleTime).toBe(toTimestamp((start + 24 * 60) * 60_000));
    expect(cj.status?.active).toEqual([]);
    expect(cj.status?.lastSuccessfulTime).toBeDefined();
    const job = (await jobs()).at(-1) as Job;
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    expect(job.metadata.labels?.app).toBe('tick');
  });

  it('evaluates the schedule in spec.timeZone', async () => {
    await cronJobs().create(cronJob('tick', '0 9 * * *', { timeZone: 'Europe/Paris' }));
    const first = await sync();
    // 2026-01-01 00:00 UTC; 09:00 in Paris (UTC+1 in winter) is 08:00 UTC.
    expect(first?.requeueAfterMs).toBe(8 * 3600_000);
    await cluster.clock.step(8 * 3600_000);
    await sync();
    expect(created).toEqual([`tick-${Date.UTC(2026, 0, 1, 8) / 60_000}`]);
  });

  it('keeps one failed Job by default', async () => {
    await cronJobs().create(cronJob('tick', '@hourly'));
    for (let i = 0; i < 3; i++) {
      await cluster.clock.step(3600_000);
      await sync();
      await cluster.settle();
      await finishJobs('Failed');
    }
    await sync();
    await cluster.settle();
    expect((await jobs()).map((j) => j.metadata.name)).toEqual([created[2]]);
  });

  it.each([
    ['Allow', 24, 24],
    ['Forbid', 1, 1],
    ['Replace', 24, 1],
  ] as const)('concurrencyPolicy %s over a day of never-ending hourly Jobs: %i created, %i left', async (policy, made, left) => {
    await cronJobs().create(cronJob('tick', '0 * * * *', { concurrencyPolicy: policy }));
    await runDay();
    expect(created).toHaveLength(made);
    await sync();
    await cluster.clock.flush();
    const remaining = (await jobs()).filter((j) => !j.metadata.deletionTimestamp);
    expect(remaining).toHaveLength(left);
    expect((await cronJobs().get('default', 'tick')).status?.active).toHaveLength(left);
  });

  it('Forbid runs a skipped time once the active Job finished, when still unmet', async () => {
    await cronJobs().create(cronJob('tick', '0 * * * *', { concurrencyPolicy: 'Forbid' }));
    await cluster.clock.step(3600_000);
    await sync();
    await cluster.settle();
    await cluster.clock.step(3600_000);
    await sync();
    expect(created).toHaveLength(1);
    expect(await cluster.events()).toContain(
      'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    await finishJobs();
    await sync();
    await cluster.settle();
    expect(created).toHaveLength(2);
  });

  it('after downtime starts one catch-up Job for the latest missed time only', async () => {
    await cronJobs().create(cronJob('tick', '@hourly'));
    await cluster.clock.step(5 * 3600_000 + 20 * 60_000);
    await sync();
    await cluster.settle();
    const start = Date.UTC(2026, 0, 1) / 60_000;
    expect(created).toEqual([`tick-${start + 5 * 60}`]);
    expect((await cluster.events()).some((e) => e.startsWith('TooManyMissedTimes'))).toBe(false);
  });

  it('warns past 100 missed times and still runs the latest', async () => {
    await cronJobs().create(cronJob('tick', '* * * * *'));
    await cluster.clock.step(150 * 60_000);
    await sync();
    await cluster.settle();
    expect(created).toHaveLength(1);
    expect((await cluster.events()).filter((e) => e.startsWith('TooManyMissedTimes'))).toHaveLength(1);
  });

  it('startingDeadlineSeconds: a time missed by more than the deadline is not run', async () => {
    await cronJobs().create(cronJob('tick', '@hourly', { startingDeadlineSeconds: 60 }));
    await cluster.clock.step(3600_000 + 120_000);
    const result = await sync();
    await cluster.settle();
    expect(created).toEqual([]);
    expect(result?.requeueAfterMs).toBe(3600_000 - 120_000);
    await cluster.clock.step(3600_000 - 120_000 + 30_000);
    await sync();
    expect(created).toHaveLength(1);
  });

  it('suspend starts nothing; resuming runs only the latest missed time', async () => {
    await cronJobs().create(cronJob('tick', '@hourly', { suspend: true }));
    await cluster.clock.step(3 * 3600_000);
    expect(await sync()).toBeUndefined();
    expect(created).toEqual([]);
    await cronJobs().patch('default', 'tick', { spec: { suspend: false } });
    await cluster.settle();
    expect(created).toHaveLength(1);
  });

  it('refuses an unparseable schedule with a Warning Event', async () => {
    await cronJobs().create(cronJob('tick', '@hourly'));
    await cluster.settle();
    // Validation keeps bad schedules out of the Api; reach the controller with one through the cache.
    const cj = await cronJobs().get('default', 'tick');
    const real = cluster.informers.for<CronJob>('CronJob').cache;
    const bad = new CronJobReconciler({
      ...cluster.ctx,
      informers: {
        for: (kind: string) =>
          kind === 'CronJob'
            ? {
                cache: Object.assign(Object.create(real), {
                  get: () => ({ ...cj, spec: { ...cj.spec, schedule: '61 * * * *' } }),
                }),
              }
            : cluster.informers.for(kind),
      } as typeof cluster.ctx.informers,
    });
    await expect(bad.reconcile({ namespace: 'default', name: 'tick' })).rejects.toThrow(/spec\.schedule/);
    expect((await cluster.events()).some((e) => e.startsWith('InvalidSchedule'))).toBe(true);
  });
});
