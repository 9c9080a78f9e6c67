import { Api, type Deployment, FakeClock, MemoryStore } from '@flotilla/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rolloutProgress } from '../../src/index.js';
import { testDeployment, testJob } from '../support/builders.js';

function cluster() {
  const clock = new FakeClock();
  return new Api({ store: new MemoryStore(), clock });
}

/** Writes status as a controller would, one step at a time. */
async function setStatus<T extends Deployment>(api: Api, kind: 'Deployment', name: string, status: T['status']) {
  const client = api.resource(kind);
  const d = await client.get('default', name);
  await client.updateStatus({ ...d, status: { observedGeneration: d.metadata.generation, ...status } });
}

describe('rolloutProgress: a stream of progress readings that ends when the work is done', () => {
  it('follows a Deployment rollout step by step and completes when it rolled out', async () => {
    const api = cluster();
    await api.resource('Deployment').create(testDeployment('web', 2));
    const readings = lastValueFrom(rolloutProgress(api, 'Deployment', 'default', 'web').pipe(toArray()));
    await new Promise((resolve) => setImmediate(resolve));
    await setStatus(api, 'Deployment', 'web', { replicas: 2, updatedReplicas: 1 });
    await setStatus(api, 'Deployment', 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 1 });
    await setStatus(api, 'Deployment', 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 1 }); // no change: no value
    await setStatus(api, 'Deployment', 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    await setStatus(api, 'Deployment', 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }); // after the end

    expect((await readings).map((p) => [p.state, p.message])).toEqual([
      ['progressing', 'Waiting for deployment spec update to be observed...'],
      ['progressing', 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...'],
      ['progressing', 'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...'],
      ['complete', 'deployment "web" successfully rolled out'],
    ]);
  });

  it('gives one final reading when the Job has already finished', async () => {
    const api = cluster();
    const job = await api.resource('Job').create(testJob('pi'));
    await api.resource('Job').updateStatus({
      ...job,
      status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    });
    const readings = await lastValueFrom(rolloutProgress(api, 'Job', 'default', 'pi').pipe(toArray()));
    expect(readings.map((p) => p.message)).toEqual(['job "pi" completed: 1 succeeded']);
  });

  it('errors with NotFound when the object is deleted while followed', async () => {
    const api = cluster();
    await api.resource('Job').create(testJob('pi'));
    const done = lastValueFrom(rolloutProgress(api, 'Job', 'default', 'pi'));
    await new Promise((resolve) => setImmediate(resolve));
    await api.resource('Job').delete('default', 'pi', { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
    await expect(done).rejects.toMatchObject({ reason: 'NotFound' });
  });

  it('is not ended by other objects of the kind changing while it catches up', async () => {
    const api = cluster();
    const pods = api.resource('Pod');
    const pod = (name: string) => ({
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    const other = await pods.create(pod('other'));
    await pods.create(pod('sleeper'));
    // After sleeper's revision, so replayed: a change to a pod the watch never saw enter its selection.
    await pods.updateStatus({ ...other, status: { phase: 'Failed' } });
    const readings = lastValueFrom(rolloutProgress(api, 'Pod', 'default', 'sleeper').pipe(toArray()));
    await new Promise((resolve) => setImmediate(resolve));
    const sleeper = await pods.get('default', 'sleeper');
    await pods.updateStatus({
      ...sleeper,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect((await readings).map((p) => p.state)).toEqual(['progressing', 'complete']);
  });

  it('errors with NotFound for an object that does not exist', async () => {
    await expect(lastValueFrom(rolloutProgress(cluster(), 'Deployment', 'default', 'nope'))).rejects.toMatchObject({
      reason: 'NotFound',
    });
  });
});
