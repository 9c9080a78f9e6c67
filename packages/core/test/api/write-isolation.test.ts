import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/index.js';
import { newApi, pod } from './fixtures.js';

/** The Api hands its private copy to the store; these pin that no caller or hook can reach stored state through it. */
describe('Api writes keep stored state out of reach', () => {
  it('neither the caller input nor the returned object of a create or update is stored state', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const input = pod('p');
    const created = await pods.create(input);
    expect(input.metadata.uid).toBeUndefined();
    created.metadata.labels = { changed: 'by caller' };
    input.spec.containers[0]!.image = 'changed:input';
    const read = await pods.get('default', 'p');
    expect(read.metadata.labels).toEqual({ app: 'web' });
    expect(read.spec.containers[0]!.image).toBe('nginx:1.27');

    const updated = await pods.update({ ...read, metadata: { ...read.metadata, labels: { v: '2' } } });
    updated.metadata.labels!.v = 'changed by caller';
    expect((await pods.get('default', 'p')).metadata.labels).toEqual({ v: '2' });
  });

  it('an admission hook that keeps the object it saw cannot change stored state later', async () => {
    const { api } = newApi();
    const kept: Pod[] = [];
    api.addAdmissionHook({
      name: 'keeper',
      phase: 'validating',
      admit(req) {
        kept.push(req.object as Pod);
      },
    });
    const pods = api.resource('Pod');
    await pods.create(pod('p'));
    await pods.patch('default', 'p', { metadata: { labels: { v: '2' } } });
    for (const obj of kept) obj.metadata.labels = { changed: 'by hook' };
    expect((await pods.get('default', 'p')).metadata.labels).toEqual({ v: '2', app: 'web' });
  });
});
