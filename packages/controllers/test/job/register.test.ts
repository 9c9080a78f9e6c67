import { Api, FakeClock, Manager, MemoryStore, type Pod } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { registerGarbageCollector } from '../../src/garbage-collector/register.js';
import { jobTrackingFinalizer } from '../../src/job/job-tracking.js';
import { registerJobController } from '../../src/job/register.js';
import { testJob } from '../support/builders.js';
import { PodRunner } from '../support/pod-runner.js';

const work = testJob('work', { completions: 3, parallelism: 2 });

describe('registerJobController on a Manager', () => {
  const abort = new AbortController();
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  const runner = new PodRunner(api);
  afterEach(() => abort.abort());

  const pods = async () => (await api.resource('Pod').list({ namespace: 'default' })).items;
  /** Runs pods and steps the fake clock until `done` holds (no real sleeping). */
  const until = async (done: () => Promise<boolean>) => {
    for (let i = 0; i < 400; i++) {
      if (await done()) return;
      await runner.runAll();
      await clock.step(50);
    }
    throw new Error('condition not reached');
  };

  it('tracks pods with the finalizer, and the pods of a deleted Job lose it and go', async () => {
    const manager = new Manager({ api, clock });
    registerJobController(manager);
    registerGarbageCollector(manager);
    await manager.start(abort.signal);
    await api.resource('Job').create(work);
    await until(async () => (await pods()).filter((p) => p.status?.phase === 'Running').length === 2);
    const [first] = await pods();
    expect(first.metadata.finalizers).toEqual([jobTrackingFinalizer]);
    await runner.finish('default', first.metadata.name, 'Succeeded');
    await api.resource('Pod').delete('default', first.metadata.name);
    await until(async () => (await api.resource('Job').get('default', 'work')).status?.succeeded === 1);
    expect((await pods()).map((p: Pod) => p.metadata.uid)).not.toContain(first.metadata.uid);

    await api.resource('Job').delete('default', 'work');
    await until(async () => (await pods()).length === 0);
  });
});
