import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/model/index.js';
import { newApi, pod } from './fixtures.js';

// V8's own probe of an object's representation: a dictionary-mode object costs several times the bytes of a
// fast one, and the store keeps one metadata object per object and per history state.
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

describe('the shape of stored objects', () => {
  it.each([
    { write: 'a status update', change: (p: Pod): Pod => ({ ...p, status: { phase: 'Running' } }), status: true },
    {
      write: 'an update',
      change: (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, labels: { app: 'db' } } }),
      status: false,
    },
  ] as const)('keeps the metadata of an object after $write in fast mode', async ({ change, status }) => {
    const { api, store } = newApi();
    const stored: KubeObject[] = [];
    store.watch('pods', { shared: true }).subscribe((e) => stored.push(e.object));
    const pods = api.resource('Pod');
    const created = await pods.create(pod('web'));
    await (status ? pods.updateStatus(change(created)) : pods.update(change(created)));
    expect(stored).toHaveLength(2);
    for (const object of stored) expect(hasFastProperties(object.metadata)).toBe(true);
  });
});
