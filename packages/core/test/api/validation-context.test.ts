import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/index.js';
import { InvalidError } from '../../src/errors/index.js';
import type { KubeObject, Pod } from '../../src/model/index.js';
import type { ResourceType, ValidationContext } from '../../src/registry/index.js';
import { newApi, pod, revision } from './fixtures.js';

interface Gadget extends KubeObject {
  spec: { size: number };
  status?: { ok?: boolean };
}

/** A kind whose validator records the context of every call it gets. */
function recordingType(seen: (ValidationContext | undefined)[]): ResourceType<Gadget> {
  return {
    group: 'example.com',
    version: 'v1',
    kind: 'Gadget',
    plural: 'gadgets',
    namespaced: true,
    statusSubresource: true,
    validate(_obj, _old, context) {
      seen.push(context);
      return [];
    },
  };
}

const gadget = (size: number, name = 'g'): Gadget => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name, namespace: 'default' },
  spec: { size },
});

describe('the Api tells validators which write path a write takes', () => {
  const writes: [string, (api: Api) => Promise<unknown>, ValidationContext][] = [
    ['create', (api) => api.resource<Gadget>('Gadget').create(gadget(2, 'h')), {}],
    ['update', (api) => api.resource<Gadget>('Gadget').update(gadget(3)), {}],
    ['patch', (api) => api.resource<Gadget>('Gadget').patch('default', 'g', { spec: { size: 4 } }), {}],
    ['apply', (api) => api.apply(gadget(5)), {}],
    [
      'updateStatus',
      (api) => api.resource<Gadget>('Gadget').updateStatus({ ...gadget(1), status: { ok: true } }),
      { subresource: 'status' },
    ],
    [
      'patchStatus',
      (api) => api.resource<Gadget>('Gadget').patchStatus('default', 'g', { status: { ok: false } }),
      { subresource: 'status' },
    ],
  ];

  it.each(writes)('%s passes its subresource (or none) to validate', async (_, write, expected) => {
    const seen: (ValidationContext | undefined)[] = [];
    const { api } = newApi();
    api.registerResource(recordingType(seen));
    await api.resource<Gadget>('Gadget').create(gadget(1));
    seen.length = 0;
    await write(api);
    expect(seen).toEqual([expected]);
  });

  it('bindPod validates with subresource binding', async () => {
    const seen: (ValidationContext | undefined)[] = [];
    const { api } = newApi();
    const podType = api.registry.get('Pod') as ResourceType<Pod>;
    const validatePod = podType.validate!;
    podType.validate = (obj, old, context) => {
      seen.push(context);
      return validatePod(obj, old, context);
    };
    await api.resource('Pod').create(pod('p'));
    seen.length = 0;
    await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    expect(seen).toEqual([{ subresource: 'binding' }]);
  });
});

describe('spec.nodeName of a stored pod is set by binding only', () => {
  const attempts: [string, (api: Api, stored: Pod) => Promise<unknown>][] = [
    [
      'update',
      (api, stored) => api.resource('Pod').update({ ...stored, spec: { ...stored.spec, nodeName: 'node-1' } }),
    ],
    ['patch', (api) => api.resource('Pod').patch('default', 'p', { spec: { nodeName: 'node-1' } })],
    ['apply', (api) => api.apply(pod('p', 'default', { nodeName: 'node-1' }))],
  ];

  it.each(attempts)('a plain %s that sets it is Invalid and writes nothing', async (_, attempt) => {
    const { api, store } = newApi();
    const stored = await api.resource('Pod').create(pod('p'));
    const before = await revision(store);
    const err = await attempt(api, stored).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).message).toContain('spec.nodeName');
    expect((err as InvalidError).message).toContain('api.bindPod');
    expect(await revision(store)).toBe(before);
    expect((await api.resource('Pod').get('default', 'p')).spec.nodeName).toBeUndefined();
  });

  it('binding sets it, and a plain update that keeps it is accepted', async () => {
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    const bound = await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    const updated = await api.resource('Pod').update({ ...bound, metadata: { ...bound.metadata, labels: { x: 'y' } } });
    expect(updated.spec.nodeName).toBe('node-1');
    expect(updated.metadata.labels).toEqual({ x: 'y' });
  });

  it('a pod may still be created already bound (as a static or test pod is)', async () => {
    const { api } = newApi();
    const created = await api.resource('Pod').create(pod('p', 'default', { nodeName: 'node-1' }));
    expect(created.spec.nodeName).toBe('node-1');
  });
});
