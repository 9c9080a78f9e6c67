import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../../src/errors/index.js';
import { newApi, pod } from './fixtures.js';

describe('bindPod', () => {
  it('sets spec.nodeName and PodScheduled=True with the clock time', async () => {
    const { api, clock } = newApi();
    await api.resource('Pod').create(pod('p'));
    await clock.step(3_000);
    const bound = await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:03Z' },
    ]);
    expect((await api.resource('Pod').get('default', 'p')).spec.nodeName).toBe('node-1');
    // Binding is not an edit of the pod's desired state by its owner: generation stays.
    expect(bound.metadata.generation).toBe(1);
  });

  it('replaces an earlier PodScheduled=False condition and keeps the others', async () => {
    const { api } = newApi();
    await api.resource('Pod').create({
      ...pod('p'),
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' },
          { type: 'Other', status: 'True' },
        ],
      },
    });
    const bound = await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    expect(bound.status?.phase).toBe('Pending');
    expect(bound.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Other=True', 'PodScheduled=True']);
  });

  const conflicts: { what: string; second: string }[] = [
    { what: 'another node', second: 'node-2' },
    { what: 'the same node', second: 'node-1' },
  ];
  it.each(conflicts)('a second bind to $what fails with Conflict', async ({ second }) => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    const err = await api.bindPod({ namespace: 'default', name: 'p' }, second).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('already assigned to node "node-1"');
    expect((await api.resource('Pod').get('default', 'p')).spec.nodeName).toBe('node-1');
  });

  it('of two concurrent binds exactly one wins', async () => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    const results = await Promise.allSettled(
      ['node-1', 'node-2', 'node-3'].map((n) => api.bindPod({ namespace: 'default', name: 'p' }, n)),
    );
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      spec: { nodeName?: string };
    }>[];
    expect(won).toHaveLength(1);
    expect((await api.resource('Pod').get('default', 'p')).spec.nodeName).toBe(won[0]!.value.spec.nodeName);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
  });

  it('refuses a uid that does not match (the pod was recreated)', async () => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    await expect(api.bindPod({ namespace: 'default', name: 'p', uid: 'stale' }, 'node-1')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('refuses a pod that is being deleted', async () => {
    const { api } = newApi();
    const p = pod('p');
    p.metadata.finalizers = ['example.com/keep'];
    await api.resource('Pod').create(p);
    await api.resource('Pod').delete('default', 'p');
    await expect(api.bindPod({ namespace: 'default', name: 'p' }, 'node-1')).rejects.toThrow(/is being deleted/);
  });

  it('refuses a node name with shell metacharacters', async () => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    await expect(api.bindPod({ namespace: 'default', name: 'p' }, 'node;reboot')).rejects.toBeInstanceOf(InvalidError);
  });
});
