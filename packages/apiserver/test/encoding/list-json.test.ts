import type { KubeObject } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listJson } from '../../src/encoding/list-json.js';
import { objectJson } from '../../src/encoding/object-json.js';
import { pod, servedApi } from '../server/served-api.js';

const object = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'é ☃ "quoted"' } },
  spec: { containers: [{ name: 'app', image: 'nginx', args: ['\n', '\u2028'] }] },
  ...extra,
});

describe('listJson', () => {
  it.each([
    { name: 'no items', items: [], next: undefined },
    { name: 'one item', items: [object('a')], next: undefined },
    { name: 'items with a continue token', items: [object('a'), object('b')], next: 'eyJydiI6M30' },
    { name: 'an undefined member is left out, as JSON.stringify does', items: [object('a', { status: undefined })] },
    { name: 'frozen items (cached text)', items: [Object.freeze(object('a')), Object.freeze(object('b'))] },
  ])('is byte for byte what JSON.stringify makes of the list: $name', ({ items, next }) => {
    const metadata = next === undefined ? { resourceVersion: '42' } : { resourceVersion: '42', continue: next };
    const expected = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items });
    expect(listJson('Pod', 'v1', items, '42', next).toString('utf8')).toBe(expected);
  });
});

describe('objectJson', () => {
  it('encodes a frozen object once and serves the same bytes after', () => {
    const frozen = Object.freeze(object('a'));
    const first = objectJson(frozen);
    expect(JSON.parse(first.toString('utf8'))).toEqual(frozen);
    expect(objectJson(frozen)).toBe(first);
  });

  it('encodes an object that may still change every time', () => {
    const open = object('a');
    const first = objectJson(open);
    open.metadata.labels = { app: 'changed' };
    const second = objectJson(open);
    expect(second).not.toBe(first);
    expect(JSON.parse(second.toString('utf8')).metadata.labels).toEqual({ app: 'changed' });
  });
});

describe('lists and watches over HTTP with the cached text', () => {
  let s: Awaited<ReturnType<typeof servedApi>>;
  beforeEach(async () => {
    s = await servedApi();
  });
  afterEach(async () => {
    await s.close();
  });
  const pods = '/api/v1/namespaces/default/pods';

  it('a list read again after a write shows the written state, never the cached text of the old one', async () => {
    await s.json('POST', pods, pod('web', { app: 'v1' }));
    await s.json('POST', pods, pod('db', { app: 'v1' }));
    const before = await s.json('GET', pods);
    await s.json('PATCH', `${pods}/web`, { metadata: { labels: { app: 'v2' } } }, 'application/merge-patch+json');
    const after = await s.json('GET', pods);
    const labels = (list: { items: KubeObject[] }) => list.items.map((p) => p.metadata.labels?.app);
    expect([labels(before.json), labels(after.json)]).toEqual([
      ['v1', 'v1'],
      ['v1', 'v2'],
    ]);
    const stored = await s.api.resource('Pod').list();
    expect(after.json).toEqual({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: stored.resourceVersion },
      items: stored.items,
    });
  });
});
