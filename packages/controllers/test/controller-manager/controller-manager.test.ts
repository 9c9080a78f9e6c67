import { Api, FakeClock, Manager, MemoryStore } from '@flotilla/core';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ControllerManagerOptionsToken,
  controllersModule,
  StartControllerManagerToken,
  startControllerManager,
} from '../../src/controller-manager.js';
import { rolloutStatus } from '../../src/deployment/rollout.js';
import { testDeployment } from '../support/builders.js';
import { PodRunner } from '../support/pod-runner.js';

/** A store and Api that outlive the managers started on them, to simulate controller-manager crashes. */
function fixture() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  return { clock, store, api, runner: new PodRunner(api, ['node-1', 'node-2']) };
}

async function startManager(api: Api, clock: FakeClock) {
  const abort = new AbortController();
  const manager = new Manager({ api, clock });
  startControllerManager(manager, { controllers: ['replicaset', 'deployment'] });
  await manager.start(abort.signal);
  return { manager, abort };
}

/** Runs pods and steps the fake clock until `done` holds (no real sleeping). */
async function until(f: ReturnType<typeof fixture>, done: () => Promise<boolean>, steps = 400): Promise<void> {
  for (let i = 0; i < steps; i++) {
    if (await done()) return;
    await f.runner.runAll();
    await f.clock.step(50);
  }
  throw new Error('condition not reached');
}

describe('startControllerManager', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('refuses unknown controller names', () => {
    const f = fixture();
    const manager = new Manager({ api: f.api, clock: f.clock });
    expect(() => startControllerManager(manager, { controllers: ['replicaset', 'replcaset'] })).toThrow(
      /unknown controllers: replcaset/,
    );
  });

  it('runs a Deployment to completion through the Manager', async () => {
    const f = fixture();
    const { abort, manager } = await startManager(f.api, f.clock);
    cleanups.push(async () => {
      abort.abort();
      await manager.stopped;
    });
    await f.api.resource('Deployment').create(testDeployment('web', 4));
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    const pods = (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    expect(pods).toHaveLength(4);
  });

  it('is available as an inversify module', async () => {
    const f = fixture();
    const container = new Container();
    container.bind(ControllerManagerOptionsToken).toConstantValue({ controllers: ['replicaset'] });
    await container.load(controllersModule);
    const start = container.get<(m: Manager) => string[]>(StartControllerManagerToken);
    expect(start(new Manager({ api: f.api, clock: f.clock }))).toEqual(['replicaset']);
  });

  it('crash safety: a fresh manager finishes an interrupted rollout with no duplicate or leaked pods', async () => {
    const f = fixture();
    let current = await startManager(f.api, f.clock);
    await f.api.resource('Deployment').create(testDeployment('web', 6, { maxSurge: 2, maxUnavailable: 1 }));
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    const d = await f.api.resource('Deployment').get('default', 'web');
    d.spec.template.spec.containers[0].image = 'nginx:2';
    await f.api.resource('Deployment').update(d);
    // Crash at several points of the rollout, each time starting a fresh manager on the same store.
    for (const stepsBeforeCrash of [1, 3, 2, 5]) {
      for (let i = 0; i < stepsBeforeCrash; i++) {
        await f.runner.runAll();
        await f.clock.step(50);
      }
      current.abort.abort();
      await current.manager.stopped;
      current = await startManager(f.api, f.clock);
    }
    await until(f, async () => (await rolloutStatus(f.api, 'default', 'web')).done);
    current.abort.abort();
    await current.manager.stopped;
    const pods = (await f.api.resource('Pod').list({ namespace: 'default' })).items;
    const sets = (await f.api.resource('ReplicaSet').list({ namespace: 'default' })).items;
    const live = sets.filter((s) => (s.spec.replicas ?? 0) > 0);
    expect(live).toHaveLength(1);
    expect(pods).toHaveLength(6);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:2')).toBe(true);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === live[0].metadata.uid)).toBe(true);
  });
});
