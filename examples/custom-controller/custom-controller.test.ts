import { Api, EventRecorder, InvalidError, Manager, MemoryStore } from '@flotilla/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runWalkthrough } from './example.js';
import { type Website, website, websiteType } from './website.js';
import { registerWebsiteController, WebsiteReconciler } from './website-reconciler.js';

describe('the custom-controller example', () => {
  it('runs a Website end to end: ready, scaled, and held by its finalizer until its pods are gone', async () => {
    const lines: string[] = [];
    const result = await runWalkthrough((line) => lines.push(line));

    expect(result.created).toMatchObject({
      observedGeneration: 1,
      readyReplicas: 2,
      url: 'http://hello.default.svc.cluster.local',
      conditions: [{ type: 'Ready', status: 'True', reason: 'AllReplicasReady' }],
    });
    expect(result.scaled).toMatchObject({ observedGeneration: 2, readyReplicas: 3 });
    expect(result.eventReasons).toEqual(
      expect.arrayContaining(['CreatedDeployment', 'CreatedService', 'UpdatedDeployment', 'Ready', 'CleanedUp']),
    );
    expect(result.eventReasons.at(-1)).toBe('CleanedUp');
    expect(result.leftovers).toEqual({ deployments: 0, services: 0, pods: 0 });
    expect(lines[0]).toContain('creating Website default/hello');
  });
});

describe('the Website reconciler', () => {
  it('writes nothing when the world already matches the Website (idempotent)', async () => {
    // Only the Website controller runs, so every write in this store is the reconciler's own.
    const store = new MemoryStore();
    const api = new Api({ store });
    api.registerResource(websiteType);
    const manager = new Manager({ api });
    const events = new EventRecorder(api, { component: 'website-controller' });
    registerWebsiteController(manager, events);
    const stop = new AbortController();
    await manager.start(stop.signal);
    try {
      const sites = api.resource<Website>('Website');
      const settled = firstValueFrom(
        sites.watch({ namespace: 'default' }).pipe(filter((e) => e.object.status?.observedGeneration === 1)),
      );
      await sites.create(website('default', 'steady', { image: 'nginx:1.27', replicas: 2 }));
      await settled;
      const versions = () =>
        Promise.all([
          sites.get('default', 'steady'),
          api.resource('Deployment').get('default', 'steady'),
          api.resource('Service').get('default', 'steady'),
        ]).then((objs) => objs.map((o) => o.metadata.resourceVersion));
      const before = await versions();
      const reconciler = new WebsiteReconciler(manager, events);
      for (let i = 0; i < 3; i++) await reconciler.reconcile({ namespace: 'default', name: 'steady' });
      expect(await versions()).toEqual(before);
    } finally {
      stop.abort();
      await manager.stopped;
      api.close();
      await store.close();
    }
  });
});

describe('the Website kind', () => {
  const store = new MemoryStore();
  const api = new Api({ store });
  api.registerResource(websiteType);
  afterAll(async () => {
    api.close();
    await store.close();
  });

  it('defaults replicas to 1', async () => {
    const created = await api.resource<Website>('Website').create(website('default', 'one', { image: 'nginx:1.27' }));
    expect(created.spec.replicas).toBe(1);
    expect(created.apiVersion).toBe('example.flotilla.dev/v1');
  });

  it.each([
    { spec: { image: '' }, field: 'spec.image', message: 'Required value' },
    { spec: { image: 'nginx', replicas: -1 }, field: 'spec.replicas', message: 'Invalid value: -1' },
    { spec: { image: 'nginx', replicas: 1.5 }, field: 'spec.replicas', message: 'Invalid value: 1.5' },
  ])('rejects $field in $spec and writes nothing', async ({ spec, field, message }) => {
    const write = api.resource<Website>('Website').create(website('default', 'bad', spec));
    await expect(write).rejects.toBeInstanceOf(InvalidError);
    await expect(write).rejects.toMatchObject({ fields: [expect.objectContaining({ field })] });
    await expect(write).rejects.toThrow(message);
    await expect(api.resource<Website>('Website').get('default', 'bad')).rejects.toMatchObject({ reason: 'NotFound' });
  });
});
