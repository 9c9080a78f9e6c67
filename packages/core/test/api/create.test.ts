import { describe, expect, it } from 'vitest';
import { BadRequestError, InvalidError, NotFoundError, RequestTooLargeError } from '../../src/errors/index.js';
import type { ConfigMap } from '../../src/model/index.js';
import { newApi, pod, revision } from './fixtures.js';

describe('create', () => {
  it('assigns uid, creationTimestamp from the clock, generation 1 and the store revision', async () => {
    const { api, clock, store } = newApi();
    await clock.step(5_000);
    const created = await api.resource('Pod').create(pod('web-1'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.metadata.creationTimestamp).toBe('2026-01-01T00:00:05Z');
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.resourceVersion).toBe(String(await revision(store)));
    expect(await api.resource('Pod').get('default', 'web-1')).toEqual(created);
  });

  it('ignores server-owned fields sent by the client', async () => {
    const { api } = newApi();
    const input = pod('web-1');
    input.metadata = {
      ...input.metadata,
      uid: 'client-uid',
      generation: 7,
      resourceVersion: '99',
      creationTimestamp: '2000-01-01T00:00:00Z',
      deletionTimestamp: '2000-01-01T00:00:00Z',
      deletionGracePeriodSeconds: 3,
    };
    const created = await api.resource('Pod').create(input);
    expect(created.metadata.uid).not.toBe('client-uid');
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(created.metadata.deletionTimestamp).toBeUndefined();
    expect(created.metadata.deletionGracePeriodSeconds).toBeUndefined();
  });

  it('does not change the caller object', async () => {
    const { api } = newApi();
    const input = pod('web-1');
    const before = structuredClone(input);
    await api.resource('Pod').create(input);
    expect(input).toEqual(before);
  });

  it('keeps unknown fields', async () => {
    const { api } = newApi();
    const input = { ...pod('web-1'), extra: { nested: [1, 'two'] } };
    const created = await api.resource('Pod').create(input);
    expect(created.extra).toEqual({ nested: [1, 'two'] });
  });

  it('picks a name from generateName: the prefix and 5 random lowercase alphanumerics', async () => {
    const { api } = newApi();
    const input = pod('');
    input.metadata = { name: '', generateName: 'web-', namespace: 'default' };
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const created = await api.resource('Pod').create(input);
      expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      names.add(created.metadata.name);
    }
    expect(names.size).toBe(20);
  });

  it('dry run validates and returns the object but writes nothing', async () => {
    const { api, store } = newApi();
    await api.resource('Namespace').list();
    const before = await revision(store);
    const result = await api.resource('Pod').create(pod('web-1'), { dryRun: true });
    expect(result.metadata.uid).toBeTruthy();
    expect(await revision(store)).toBe(before);
    await expect(api.resource('Pod').get('default', 'web-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('rejects hostile or malformed input and writes nothing', () => {
    const cases: { what: string; name: string; namespace?: string; field: string }[] = [
      { what: 'a slash', name: 'a/b', field: 'metadata.name' },
      { what: 'a dot-dot path', name: '..', field: 'metadata.name' },
      { what: 'a traversal', name: '../../etc/passwd', field: 'metadata.name' },
      { what: 'uppercase', name: 'Web', field: 'metadata.name' },
      { what: 'shell metacharacters', name: 'x;rm -rf /', field: 'metadata.name' },
      { what: 'command substitution', name: '$(reboot)', field: 'metadata.name' },
      { what: 'backticks', name: '`id`', field: 'metadata.name' },
      { what: 'a pipe', name: 'a|b', field: 'metadata.name' },
      { what: 'a newline', name: 'a\nb', field: 'metadata.name' },
      { what: 'an empty name', name: '', field: 'metadata.name' },
      { what: 'a 254-character name', name: 'a'.repeat(254), field: 'metadata.name' },
      { what: 'a namespace with a slash', name: 'ok', namespace: 'a/b', field: 'metadata.namespace' },
      { what: 'no namespace', name: 'ok', namespace: '', field: 'metadata.namespace' },
    ];
    it.each(cases)('$what', async ({ name, namespace, field }) => {
      const { api, store } = newApi();
      await api.resource('Namespace').list();
      const before = await revision(store);
      const err = await api
        .resource('Pod')
        .create(pod(name, namespace ?? 'default'))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidError);
      expect((err as InvalidError).fields.map((f) => f.field)).toContain(field);
      expect(await revision(store)).toBe(before);
    });
  });

  it('lists every bad field in one InvalidError', async () => {
    const { api } = newApi();
    const input = pod('Bad_Name');
    input.metadata.labels = { 'bad key!': 'v', ok: 'bad value with spaces' };
    const err = (await api
      .resource('Pod')
      .create(input)
      .catch((e: unknown) => e)) as InvalidError;
    expect(err).toBeInstanceOf(InvalidError);
    const fields = err.fields.map((f) => f.field);
    expect(fields).toContain('metadata.name');
    expect(fields.filter((f) => f.startsWith('metadata.labels')).length).toBeGreaterThanOrEqual(2);
    expect(err.message).toContain('metadata.name');
  });

  it('rejects an object over 1.5 MiB with a RequestTooLargeError naming the size, and writes nothing', async () => {
    const { api, store } = newApi();
    await api.resource('Namespace').list();
    const before = await revision(store);
    // A kind without a data limit of its own, so only the Api's size check can refuse it.
    api.registerResource({ group: 'example.com', version: 'v1', kind: 'Blob', plural: 'blobs', namespaced: true });
    const big = {
      apiVersion: 'example.com/v1',
      kind: 'Blob',
      metadata: { name: 'big', namespace: 'default' },
      data: 'x'.repeat(1.5 * 1024 * 1024),
    };
    const err = (await api
      .resource('Blob')
      .create(big)
      .catch((e: unknown) => e)) as RequestTooLargeError;
    expect(err).toBeInstanceOf(RequestTooLargeError);
    expect(err.limitBytes).toBe(1.5 * 1024 * 1024);
    expect(err.sizeBytes).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(err.message).toContain(String(err.sizeBytes));
    expect(await revision(store)).toBe(before);
  });

  it('counts bytes, not characters, against the limit', async () => {
    const { api } = newApi({ maxObjectBytes: 4096 });
    const cm = (blob: string): ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default' },
      data: { blob },
    });
    // 1,500 characters of 3 bytes each: under 4096 characters, over 4096 bytes.
    await expect(api.resource('ConfigMap').create(cm('€'.repeat(1500)))).rejects.toBeInstanceOf(RequestTooLargeError);
    await expect(api.resource('ConfigMap').create(cm('e'.repeat(1500)))).resolves.toBeTruthy();
  });

  it('names the known kinds when asked for an unknown one', () => {
    const { api } = newApi();
    expect(() => api.resource('Gizmo')).toThrow(BadRequestError);
    expect(() => api.resource('Gizmo')).toThrow(
      /no kind "Gizmo" is registered: apply its CustomResourceDefinition first, or register it with api.registerResource\(...\); known kinds: .*Pod/,
    );
  });

  it('refuses an object of another kind or apiVersion', async () => {
    const { api } = newApi();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: {} };
    await expect(api.resource('Pod').create(svc as never)).rejects.toThrow(/serves Pod, not Service/);
    const wrongVersion = { ...pod('p'), apiVersion: 'v2' };
    await expect(api.resource('Pod').create(wrongVersion as never)).rejects.toThrow(/apiVersion v1, not v2/);
  });

  it('drops metadata.namespace on cluster-scoped kinds, as Kubernetes does', async () => {
    const { api } = newApi();
    const node = await api.resource('Node').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', namespace: 'default' },
    });
    expect(node.metadata.namespace).toBeUndefined();
    expect((await api.resource('Node').get('node-1')).metadata.name).toBe('node-1');
  });

  it('takes (namespace, name) for namespaced kinds and (name) for cluster-scoped ones', async () => {
    const { api } = newApi();
    await expect(api.resource('Pod').get('web-1')).rejects.toThrow(/Pod is namespaced: call get\(namespace, name/);
    await expect(api.resource('Node').get('default', 'node-1')).rejects.toThrow(
      /Node is cluster-scoped: call get\(name/,
    );
  });

  it('also takes (undefined, name) and ("", name) for cluster-scoped kinds, as generic helpers call them', async () => {
    const { api } = newApi();
    const nodes = api.resource('Node');
    await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    const namespaceOf = (obj: { metadata: { namespace?: string } }) => obj.metadata.namespace;
    const node = await nodes.get('node-1');
    expect((await nodes.get(namespaceOf(node), 'node-1')).metadata.name).toBe('node-1');
    expect((await nodes.get('', 'node-1')).metadata.name).toBe('node-1');
    const patched = await nodes.patch(undefined, 'node-1', { metadata: { labels: { zone: 'a' } } });
    expect(patched.metadata.labels).toEqual({ zone: 'a' });
    await nodes.delete(undefined, 'node-1');
    await expect(nodes.get('node-1')).rejects.toThrow(/not found/);
    // A namespaced kind still needs its namespace.
    await expect(api.resource('Pod').get(undefined, 'web-1')).rejects.toThrow(/names as strings/);
  });
});
