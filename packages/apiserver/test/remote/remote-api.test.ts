import {
  AlreadyExistsError,
  type ConfigMap,
  ConflictError,
  type Deployment,
  InvalidError,
  isReason,
  NotFoundError,
  type Pod,
  type RemoteApi,
  type WatchEvent,
} from '@flotilla/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pod, type ServedRemote, servedRemote } from './remote-fixture.js';

let s: ServedRemote;
beforeEach(async () => {
  s = await servedRemote();
});
afterEach(async () => {
  await s.close();
});

describe('RemoteApi: the resource client over HTTP', () => {
  it('creates, reads, lists, updates, patches and deletes a pod as the in-process Api does', async () => {
    const pods = s.remote.resource('Pod');
    const created = await pods.create(pod('web', { app: 'web' }) as Pod);
    expect(created.metadata.uid).toBeTruthy();
    expect(created.kind).toBe('Pod');
    expect(await s.api.resource('Pod').get('default', 'web')).toEqual(created);

    expect(await pods.get('default', 'web')).toEqual(created);
    const list = await pods.list({ namespace: 'default', labelSelector: { matchLabels: { app: 'web' } } });
    expect(list.items.map((p) => [p.kind, p.apiVersion, p.metadata.name])).toEqual([['Pod', 'v1', 'web']]);
    expect(Number(list.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));

    const patched = await pods.patch('default', 'web', { metadata: { labels: { tier: 'front' } } });
    expect(patched.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    const updated = await pods.update({ ...patched, metadata: { ...patched.metadata, annotations: { a: 'b' } } });
    expect(updated.metadata.annotations).toEqual({ a: 'b' });
    const withStatus = await pods.patchStatus('default', 'web', { status: { phase: 'Running' } });
    expect(withStatus.status?.phase).toBe('Running');
    const statusUpdated = await pods.updateStatus({ ...withStatus, status: { phase: 'Succeeded' } });
    expect(statusUpdated.status?.phase).toBe('Succeeded');

    const deleted = await pods.delete('default', 'web', { gracePeriodSeconds: 0 });
    expect(deleted.metadata.name).toBe('web');
    await expect(s.api.resource('Pod').get('default', 'web')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    {
      name: 'a missing object is NotFoundError',
      run: (r: RemoteApi) => r.resource('Pod').get('default', 'nope'),
      error: NotFoundError,
      check: (e: NotFoundError) => expect(e.target).toMatchObject({ resource: 'pods', name: 'nope' }),
    },
    {
      name: 'a taken name is AlreadyExistsError',
      run: async (r: RemoteApi) => {
        await r.resource('Pod').create(pod('dup') as Pod);
        await r.resource('Pod').create(pod('dup') as Pod);
      },
      error: AlreadyExistsError,
      check: (e: AlreadyExistsError) => expect(e.target.name).toBe('dup'),
    },
    {
      name: 'a stale resourceVersion is ConflictError',
      run: async (r: RemoteApi) => {
        const p = await r.resource('Pod').create(pod('cas') as Pod);
        await r.resource('Pod').patch('default', 'cas', { metadata: { labels: { a: '1' } } });
        await r.resource('Pod').update(p);
      },
      error: ConflictError,
      check: (e: ConflictError) => expect(e.message).toContain('has been modified'),
    },
    {
      name: 'an invalid object is InvalidError naming each field',
      run: (r: RemoteApi) =>
        r.resource('Deployment').create({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'bad', namespace: 'default' },
          spec: {
            replicas: -1,
            selector: { matchLabels: { a: 'b' } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } },
          },
        } as unknown as Deployment),
      error: InvalidError,
      check: (e: InvalidError) =>
        expect(e.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['spec.replicas'])),
    },
  ])('$name', async ({ run, error, check }) => {
    const err = await run(s.remote).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(error);
    (check as (e: unknown) => void)(err);
  });

  it('pages a list with limit and continue, all pages at one revision', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await s.api.resource('Pod').create(pod(n) as Pod);
    const pods = s.remote.resource('Pod');
    const first = await pods.list({ namespace: 'default', limit: 2 });
    expect(first.items.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(first.continue).toBeTruthy();
    const names = first.items.map((p) => p.metadata.name);
    let token = first.continue;
    while (token) {
      const page = await pods.list({ namespace: 'default', limit: 2, continue: token });
      names.push(...page.items.map((p) => p.metadata.name));
      token = page.continue;
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('watches from a revision: ADDED, MODIFIED, DELETED in order, objects typed', async () => {
    const start = (await s.remote.resource('Pod').list({ namespace: 'default' })).resourceVersion;
    const events = firstValueFrom(
      s.remote.resource('Pod').watch({ namespace: 'default', resourceVersion: start }).pipe(take(3), toArray()),
    );
    const pods = s.api.resource('Pod');
    await pods.create(pod('w') as Pod);
    await pods.patch('default', 'w', { metadata: { labels: { x: 'y' } } });
    await pods.delete('default', 'w', { gracePeriodSeconds: 0 });
    const seen = (await events) as WatchEvent<Pod>[];
    expect(seen.map((e) => [e.type, e.object.kind, e.object.metadata.name])).toEqual([
      ['ADDED', 'Pod', 'w'],
      ['MODIFIED', 'Pod', 'w'],
      ['DELETED', 'Pod', 'w'],
    ]);
  });

  it('binds a pod to a node once (pods/binding) and evicts through pods/eviction', async () => {
    await s.remote.resource('Pod').create(pod('b') as Pod);
    const bound = await s.remote.bindPod({ namespace: 'default', name: 'b' }, 'node-1');
    expect(bound.spec?.nodeName).toBe('node-1');
    const again = await s.remote.bindPod({ namespace: 'default', name: 'b' }, 'node-2').catch((e: unknown) => e);
    expect(isReason(again, 'Conflict')).toBe(true);
    await s.remote.evict('default', 'b', { gracePeriodSeconds: 0 });
    await expect(s.api.resource('Pod').get('default', 'b')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('applies a manifest server-side: created, then changed; the kind is found by discovery', async () => {
    const cm: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { a: '1' },
    };
    const created = await s.remote.apply(cm);
    expect(created.metadata.uid).toBeTruthy();
    const changed = await s.remote.apply({ ...cm, data: { a: '2' } });
    expect(changed.data).toEqual({ a: '2' });
    expect(changed.metadata.uid).toBe(created.metadata.uid);
  });

  it('writes an object without a namespace to the Api namespace, as kubectl does', async () => {
    const remote = s.connect({ namespace: 'kube-system' });
    const p = pod('nsless') as Pod;
    delete (p.metadata as { namespace?: string }).namespace;
    const created = await remote.resource('Pod').create(p);
    expect(created.metadata.namespace).toBe('kube-system');
  });

  it('reads and writes a Deployment through its scale subresource (autoscaling/v1 Scale)', async () => {
    const labels = { app: 'web' };
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      },
    };
    await s.api.resource('Deployment').create(deployment);
    const deployments = s.remote.resource('Deployment');

    const scale = await deployments.getScale('default', 'web');
    expect(scale).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2 },
      status: { selector: 'app=web' },
    });

    const written = await deployments.updateScale({ ...scale, spec: { replicas: 5 } });
    expect(written.spec.replicas).toBe(5);
    expect((await s.api.resource('Deployment').get('default', 'web')).spec?.replicas).toBe(5);

    // The old resourceVersion makes the PUT a compare-and-swap that has lost.
    const stale = await deployments.updateScale({ ...scale, spec: { replicas: 1 } }).catch((e: unknown) => e);
    expect(isReason(stale, 'Conflict')).toBe(true);
    await expect(deployments.getScale('default', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(deployments.updateScale({ metadata: { name: '' }, spec: { replicas: 1 } })).rejects.toThrow(
      'metadata.name: Required value',
    );
  });
});
