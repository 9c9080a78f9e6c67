import { Api, InvalidError, MemoryStore } from '@flotilla/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runWalkthrough } from './example.js';
import { type Website, website, websiteType } from './website.js';

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
