import { describe, expect, it } from 'vitest';
import { ApiError, InvalidError } from '../../src/errors/index.js';
import { newApi, pod, revision } from './fixtures.js';
import { hostileWrites } from './hostile-writes.js';

describe('the Api refuses wrong-typed and non-JSON input before anything else runs', () => {
  it.each(hostileWrites)('$what: $error', async ({ write, error, fields, message }) => {
    const { api, store } = newApi();
    await api.resource('Pod').create(pod('web'));
    const before = await revision(store);
    const refusal = await write(api).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as Error).name).toBe(error);
    expect((refusal as Error).message).toContain(message);
    if (fields) expect((refusal as InvalidError).fields.map((f) => f.field)).toEqual(fields);
    expect(await revision(store)).toBe(before);
    expect(Object.keys(Object.prototype)).toEqual([]);
    await api.close();
  });

  it('reads null on a known field as "not set", as Kubernetes decodes it', async () => {
    const { api } = newApi();
    const body = { ...pod('web'), status: null, metadata: { name: 'web', namespace: 'default', labels: null } };
    const created = await api.resource('Pod').create(body as never);
    expect(created.metadata.labels).toBeUndefined();
    expect(created.status).toEqual({ phase: 'Pending' });
    await api.close();
  });

  it("never changes the caller's object and keeps __proto__ keys as data", async () => {
    const { api } = newApi();
    const input = JSON.parse(
      '{"metadata":{"name":"web","namespace":"default","annotations":{"a":"b"}},"extra":{"__proto__":{"x":1}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}',
    );
    const snapshot = JSON.stringify(input);
    const created = await api.resource('Pod').create(input);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(Object.hasOwn(created.extra as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(created.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await api.close();
  });

  it('lists every wrong-typed field in one InvalidError', async () => {
    const { api } = newApi();
    const body = {
      metadata: { name: 'web', namespace: 'default', labels: 1, finalizers: 'f' },
      spec: { containers: 'c' },
    };
    const err = await api
      .resource('Pod')
      .create(body as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).fields.map((f) => f.field)).toEqual([
      'metadata.labels',
      'metadata.finalizers',
      'spec.containers',
    ]);
    await api.close();
  });
});
