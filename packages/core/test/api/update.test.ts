import { describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, InvalidError, NotFoundError } from '../../src/errors/index.js';
import type { ConfigMap, Deployment, KubeObject, Pod } from '../../src/model/index.js';
import { newApi, pod, revision } from './fixtures.js';

const deployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
  },
});

describe('generation', () => {
  const cases: { what: string; change: (d: Deployment) => void; bumps: boolean }[] = [
    { what: 'a spec field changes', change: (d) => (d.spec.replicas = 5), bumps: true },
    {
      what: 'a nested spec field changes',
      change: (d) => (d.spec.template.spec.containers[0]!.image = 'nginx:1.28'),
      bumps: true,
    },
    { what: 'a label changes', change: (d) => (d.metadata.labels = { app: 'web', tier: 'x' }), bumps: false },
    { what: 'an annotation changes', change: (d) => (d.metadata.annotations = { note: 'y' }), bumps: false },
    { what: 'nothing changes', change: () => {}, bumps: false },
    { what: 'status is sent (and ignored)', change: (d) => (d.status = { replicas: 9 }), bumps: false },
  ];
  it.each(cases)('when $what: bumped $bumps', async ({ change, bumps }) => {
    const { api } = newApi();
    const deployments = api.resource('Deployment');
    const created = await deployments.create(deployment(3));
    expect(created.metadata.generation).toBe(1);
    change(created);
    const updated = await deployments.update(created);
    expect(updated.metadata.generation).toBe(bumps ? 2 : 1);
  });

  it('does not move on status writes', async () => {
    const { api } = newApi();
    const deployments = api.resource('Deployment');
    const created = await deployments.create(deployment(3));
    const withStatus = await deployments.updateStatus({ ...created, status: { replicas: 3, observedGeneration: 1 } });
    expect(withStatus.metadata.generation).toBe(1);
  });

  it('ignores a generation sent by the client', async () => {
    const { api } = newApi();
    const deployments = api.resource('Deployment');
    const created = await deployments.create(deployment(3));
    created.metadata.generation = 40;
    expect((await deployments.update(created)).metadata.generation).toBe(1);
  });
});

describe('status and spec separation', () => {
  it('update keeps the stored status; updateStatus keeps spec and metadata', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('web-1'));
    const running = await pods.updateStatus({
      ...created,
      metadata: { ...created.metadata, labels: { changed: 'by-status' } },
      spec: { containers: [{ name: 'other', image: 'busybox' }] },
      status: { phase: 'Running' },
    });
    expect(running.status).toEqual({ phase: 'Running' });
    expect(running.spec).toEqual(created.spec);
    expect(running.metadata.labels).toEqual({ app: 'web' });

    const relabeled = await pods.update({
      ...running,
      metadata: { ...running.metadata, labels: { app: 'web', tier: 'a' } },
      status: { phase: 'Failed' },
    });
    expect(relabeled.status).toEqual({ phase: 'Running' });
    expect(relabeled.metadata.labels).toEqual({ app: 'web', tier: 'a' });
  });

  it('for kinds without a status subresource, update writes everything and updateStatus is refused', async () => {
    const { api } = newApi();
    const cms = api.resource('ConfigMap');
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } };
    const created = await cms.create(cm);
    const updated = await cms.update({ ...created, data: { a: '1' } });
    expect(updated.data).toEqual({ a: '1' });
    await expect(cms.updateStatus(updated)).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('resourceVersion compare-and-swap', () => {
  it('refuses an update with a stale resourceVersion and writes nothing', async () => {
    const { api, store } = newApi();
    const pods = api.resource('Pod');
    const v1 = await pods.create(pod('web-1'));
    await pods.update({ ...v1, metadata: { ...v1.metadata, labels: { a: '1' } } });
    const before = await revision(store);
    await expect(pods.update({ ...v1, metadata: { ...v1.metadata, labels: { a: '2' } } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await revision(store)).toBe(before);
    expect((await pods.get('default', 'web-1')).metadata.labels).toEqual({ a: '1' });
  });

  it('applies an update without resourceVersion to the latest object', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const v1 = await pods.create(pod('web-1'));
    await pods.update({ ...v1, metadata: { ...v1.metadata, labels: { a: '1' } } });
    const { resourceVersion: _, ...meta } = v1.metadata;
    const v3 = await pods.update({ ...v1, metadata: { ...meta, labels: { a: '3' } } });
    expect(v3.metadata.labels).toEqual({ a: '3' });
  });

  it('lets exactly one of two concurrent writers at the same resourceVersion win', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const v1 = await pods.create(pod('web-1'));
    const results = await Promise.allSettled(
      ['a', 'b'].map((x) => pods.update({ ...v1, metadata: { ...v1.metadata, labels: { x } } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
  });

  it('fails with NotFound when the object is gone', async () => {
    const { api } = newApi();
    await expect(api.resource('Pod').update(pod('ghost'))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('immutable metadata', () => {
  it('keeps creationTimestamp and uid when the client omits or changes the timestamp', async () => {
    const { api, clock } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('web-1'));
    await clock.step(60_000);
    const { uid: _, ...withoutUid } = created.metadata;
    const updated = await pods.update({
      ...created,
      metadata: { ...withoutUid, creationTimestamp: '1999-01-01T00:00:00Z' },
    });
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });

  it('cannot set deletionTimestamp through update', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('web-1'));
    const updated = await pods.update({
      ...created,
      metadata: { ...created.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 1 },
    });
    expect(updated.metadata.deletionTimestamp).toBeUndefined();
    expect(updated.metadata.deletionGracePeriodSeconds).toBeUndefined();
  });

  it('refuses a different uid with an InvalidError on metadata.uid', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('web-1'));
    const err = (await pods
      .update({ ...created, metadata: { ...created.metadata, uid: 'another' } })
      .catch((e: unknown) => e)) as InvalidError;
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.fields.map((f) => f.field)).toEqual(['metadata.uid']);
  });
});

describe('apply', () => {
  it('creates when absent, then updates at the stored resourceVersion keeping status', async () => {
    const { api } = newApi();
    const first = await api.apply(pod('web-1'));
    expect(first.metadata.generation).toBe(1);
    await api.resource('Pod').updateStatus({ ...first, status: { phase: 'Running' } });

    const manifest: Pod = pod('web-1');
    manifest.metadata.labels = { app: 'web', version: '2' };
    const second = await api.apply(manifest);
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(second.metadata.labels).toEqual({ app: 'web', version: '2' });
    expect(second.status).toEqual({ phase: 'Running' });
  });

  it('keeps the stored status of kinds without a status subresource when the manifest has none', async () => {
    const { api } = newApi();
    const ep: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' } };
    await api.apply({ ...ep, status: { note: 'kept' } });
    const applied = await api.apply<KubeObject>({ ...ep, subsets: [] });
    expect(applied.status).toEqual({ note: 'kept' });
    expect(applied.subsets).toEqual([]);
  });

  it('refuses an unknown kind with a BadRequestError', async () => {
    const { api } = newApi();
    await expect(api.apply({ apiVersion: 'x/v1', kind: 'Gizmo', metadata: { name: 'g' } })).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });
});
