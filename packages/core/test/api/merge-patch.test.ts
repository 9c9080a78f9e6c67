import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../src/api/index.js';
import { ConflictError } from '../../src/errors/index.js';
import { newApi, pod } from './fixtures.js';

describe('applyMergePatch follows RFC 7386', () => {
  // The test vectors of RFC 7386, Appendix A.
  const vectors: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(vectors)('%j patched with %j is %j', (target, patch, expected) => {
    const before = structuredClone(target);
    expect(applyMergePatch(target, patch)).toEqual(expected);
    expect(target).toEqual(before);
  });
});

describe('hostile patches', () => {
  it('a __proto__ member is merged as data and never reaches a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}');
    const result = applyMergePatch({ a: {} }, patch) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.a)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"a":{"__proto__":{"x":1}},"__proto__":{"polluted":true}}');
  });
});

describe('patch through the client', () => {
  it('merges into spec and metadata, replacing arrays whole', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    await pods.create(pod('p'));
    const patched = await pods.patch('default', 'p', {
      metadata: { labels: { tier: 'front' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] },
    });
    expect(patched.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(patched.spec.containers).toHaveLength(1);
    expect(patched.spec.containers[0]).toMatchObject({ name: 'app', image: 'nginx:1.28' });
    expect(patched.metadata.generation).toBe(2);
  });

  it('patch leaves status alone; patchStatus changes only status', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('p'));
    expect(created.status?.phase).toBe('Pending');
    const a = await pods.patch('default', 'p', { status: { phase: 'Running' } });
    expect(a.status).toEqual(created.status);
    const b = await pods.patchStatus('default', 'p', {
      status: { phase: 'Running' },
      metadata: { labels: { x: 'y' } },
    });
    expect(b.status?.phase).toBe('Running');
    expect(b.metadata.labels).toEqual({ app: 'web' });
    expect(b.metadata.generation).toBe(1);
  });

  it('a patch carrying metadata.resourceVersion is compare-and-swap', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const created = await pods.create(pod('p'));
    await pods.patch('default', 'p', { metadata: { labels: { n: '1' } } });
    await expect(
      pods.patch('default', 'p', {
        metadata: { resourceVersion: created.metadata.resourceVersion, labels: { n: '2' } },
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('cluster-scoped kinds take (name, patch)', async () => {
    const { api } = newApi();
    await api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const patched = await api.resource('Node').patch('n1', { spec: { unschedulable: true } });
    expect(patched.spec?.unschedulable).toBe(true);
  });

  it('a patch that renames the object is refused', async () => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    await expect(api.resource('Pod').patch('default', 'p', { metadata: { name: 'q' } })).rejects.toThrow(
      /metadata.name: Invalid value: "q": field is immutable/,
    );
  });
});
