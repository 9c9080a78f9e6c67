import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../../src/errors/index.js';
import type { ConfigMap, Namespace, Pod } from '../../src/model/index.js';
import { newApi, pod } from './fixtures.js';

const configMap = (finalizers?: string[]): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'default', finalizers },
});

describe('finalizers', () => {
  it('an object without finalizers is deleted at once', async () => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap());
    await cms.delete('default', 'cm');
    await expect(cms.get('default', 'cm')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an object with finalizers gets deletionTimestamp and stays until the last one is removed', async () => {
    const { api, clock } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap(['example.com/a', 'example.com/b']));
    await clock.step(10_000);
    const marked = await cms.delete('default', 'cm');
    expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:10Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect((await cms.get('default', 'cm')).metadata.deletionTimestamp).toBe('2026-01-01T00:00:10Z');

    const one = await cms.update({ ...marked, metadata: { ...marked.metadata, finalizers: ['example.com/b'] } });
    expect(one.metadata.finalizers).toEqual(['example.com/b']);
    await cms.update({ ...one, metadata: { ...one.metadata, finalizers: [] } });
    await expect(cms.get('default', 'cm')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removing the last finalizer by merge patch deletes too', async () => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap(['example.com/a']));
    await cms.delete('default', 'cm');
    await cms.patch('default', 'cm', { metadata: { finalizers: null } });
    await expect(cms.get('default', 'cm')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses new finalizers once deletionTimestamp is set, and writes nothing', async () => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap(['example.com/a']));
    const marked = await cms.delete('default', 'cm');
    const err = (await cms
      .update({ ...marked, metadata: { ...marked.metadata, finalizers: ['example.com/a', 'example.com/new'] } })
      .catch((e: unknown) => e)) as InvalidError;
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.fields[0]!.field).toBe('metadata.finalizers');
    expect(err.message).toContain('no new finalizers can be added if the object is being deleted');
    expect((await cms.get('default', 'cm')).metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
  });

  it('a second delete of an object already marked changes nothing', async () => {
    const { api, clock } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap(['example.com/a']));
    const marked = await cms.delete('default', 'cm');
    await clock.step(5_000);
    expect(await cms.delete('default', 'cm')).toEqual(marked);
  });

  const policies: { policy: 'Background' | 'Foreground' | 'Orphan'; finalizers: string[] | undefined }[] = [
    { policy: 'Background', finalizers: undefined },
    { policy: 'Foreground', finalizers: ['foregroundDeletion'] },
    { policy: 'Orphan', finalizers: ['orphan'] },
  ];
  it.each(policies)('propagationPolicy $policy leaves finalizers $finalizers', async ({ policy, finalizers }) => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    await cms.create(configMap());
    const result = await cms.delete('default', 'cm', { propagationPolicy: policy });
    if (finalizers === undefined) {
      await expect(cms.get('default', 'cm')).rejects.toBeInstanceOf(NotFoundError);
    } else {
      expect(result.metadata.finalizers).toEqual(finalizers);
      expect(result.metadata.deletionTimestamp).toBeDefined();
      expect((await cms.get('default', 'cm')).metadata.finalizers).toEqual(finalizers);
    }
  });

  it('checks uid and resourceVersion preconditions', async () => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    const created = await cms.create(configMap());
    await expect(cms.delete('default', 'cm', { preconditions: { uid: 'other' } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(cms.delete('default', 'cm', { preconditions: { resourceVersion: '1' } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await cms.delete('default', 'cm', {
      preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion },
    });
    await expect(cms.get('default', 'cm')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('pod graceful deletion', () => {
  const cases: {
    what: string;
    spec?: Partial<Pod['spec']>;
    phase?: 'Running' | 'Succeeded' | 'Failed';
    grace?: number;
    expected: number | 'gone';
  }[] = [
    { what: 'an unbound pod', expected: 'gone' },
    { what: 'a bound pod, default grace', spec: { nodeName: 'node-1' }, expected: 30 },
    {
      what: 'a bound pod with terminationGracePeriodSeconds',
      spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 7 },
      expected: 7,
    },
    {
      what: 'a bound pod, grace from the request',
      spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 7 },
      grace: 2,
      expected: 2,
    },
    { what: 'a bound pod with grace 0', spec: { nodeName: 'node-1' }, grace: 0, expected: 'gone' },
    { what: 'a bound Succeeded pod', spec: { nodeName: 'node-1' }, phase: 'Succeeded', expected: 'gone' },
    { what: 'a bound Failed pod', spec: { nodeName: 'node-1' }, phase: 'Failed', expected: 'gone' },
    { what: 'a bound Running pod', spec: { nodeName: 'node-1' }, phase: 'Running', expected: 30 },
  ];
  it.each(cases)('$what: $expected', async ({ spec, phase, grace, expected }) => {
    const { api, clock } = newApi();
    const pods = api.resource('Pod');
    await pods.create({ ...pod('p', 'default', spec), status: phase ? { phase } : undefined });
    await clock.step(1_000);
    const result = await pods.delete('default', 'p', grace === undefined ? {} : { gracePeriodSeconds: grace });
    if (expected === 'gone') {
      await expect(pods.get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
      return;
    }
    expect(result.metadata.deletionGracePeriodSeconds).toBe(expected);
    // Kubernetes: deletionTimestamp is the time by which the pod should be gone.
    expect(result.metadata.deletionTimestamp).toBe(
      new Date(Date.UTC(2026, 0, 1, 0, 0, 1 + expected)).toISOString().replace('.000', ''),
    );
    expect((await pods.get('default', 'p')).metadata.deletionTimestamp).toBe(result.metadata.deletionTimestamp);
  });

  it('stays until its node agent deletes it with gracePeriodSeconds 0', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    await pods.create(pod('p', 'default', { nodeName: 'node-1' }));
    await pods.delete('default', 'p');
    const again = await pods.delete('default', 'p');
    expect(again.metadata.deletionGracePeriodSeconds).toBe(30);
    await pods.delete('default', 'p', { gracePeriodSeconds: 0 });
    await expect(pods.get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a second delete may shorten the grace period but not lengthen it', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    await pods.create(pod('p', 'default', { nodeName: 'node-1' }));
    expect((await pods.delete('default', 'p', { gracePeriodSeconds: 20 })).metadata.deletionGracePeriodSeconds).toBe(
      20,
    );
    expect((await pods.delete('default', 'p', { gracePeriodSeconds: 60 })).metadata.deletionGracePeriodSeconds).toBe(
      20,
    );
    expect((await pods.delete('default', 'p', { gracePeriodSeconds: 5 })).metadata.deletionGracePeriodSeconds).toBe(5);
  });

  it('a pod with a finalizer deleted with grace 0 waits for the finalizer', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const p = pod('p', 'default', { nodeName: 'node-1' });
    p.metadata.finalizers = ['example.com/keep'];
    await pods.create(p);
    await pods.delete('default', 'p');
    const held = await pods.delete('default', 'p', { gracePeriodSeconds: 0 });
    expect(held.metadata.deletionGracePeriodSeconds).toBe(0);
    await pods.patch('default', 'p', { metadata: { finalizers: [] } });
    await expect(pods.get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removing the last finalizer while the grace period runs does not delete the pod', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const p = pod('p', 'default', { nodeName: 'node-1' });
    p.metadata.finalizers = ['example.com/keep'];
    await pods.create(p);
    await pods.delete('default', 'p');
    const kept = await pods.patch('default', 'p', { metadata: { finalizers: null } });
    expect(kept.metadata.deletionTimestamp).toBeDefined();
    await pods.delete('default', 'p', { gracePeriodSeconds: 0 });
    await expect(pods.get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('namespace deletion', () => {
  it('marks the namespace Terminating, refuses new content, and is deleted once its finalizers are removed', async () => {
    const { api } = newApi();
    const namespaces = api.resource('Namespace');
    const created = await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(created.spec?.finalizers).toEqual(['kubernetes']);
    expect(created.status?.phase).toBe('Active');
    await api.resource('Pod').create(pod('inside', 'team-a'));

    const terminating = await namespaces.delete('team-a');
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.metadata.deletionTimestamp).toBeDefined();

    const err = await api
      .resource('Pod')
      .create(pod('late', 'team-a'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toContain(
      'unable to create new content in namespace team-a because it is being terminated',
    );
    // Existing content can still be changed and deleted (the namespace controller does that).
    await api.resource('Pod').delete('team-a', 'inside');

    // The namespace controller removes its finalizer through update; the namespace then goes.
    const current = (await namespaces.get('team-a')) as Namespace;
    await namespaces.update({ ...current, spec: { finalizers: [] } });
    await expect(namespaces.get('team-a')).rejects.toBeInstanceOf(NotFoundError);
    await expect(api.resource('Pod').create(pod('after', 'team-a'))).rejects.toBeInstanceOf(NotFoundError);
  });
});
