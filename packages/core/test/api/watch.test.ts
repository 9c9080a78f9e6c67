import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/index.js';
import type { KubeObject } from '../../src/model/index.js';
import type { WatchEvent } from '../../src/store/index.js';
import { newApi, pod } from './fixtures.js';

/** Collects `type name` lines from a watch until stopped. */
function record(events$: Observable<WatchEvent<KubeObject>>) {
  const seen: string[] = [];
  const errors: unknown[] = [];
  const sub = events$.subscribe({
    next: (e) => seen.push(`${e.type} ${e.object.metadata.name}`),
    error: (e) => errors.push(e),
  });
  return { seen, errors, stop: () => sub.unsubscribe() };
}

/** Lets the watch's initial list settle (MemoryStore answers in a microtask or two). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('watch with selectors', () => {
  it('delivers an object that starts matching as ADDED and one that stops as DELETED', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    await pods.create(pod('a'));
    const w = record(pods.watch({ namespace: 'default', labelSelector: 'tier=front' }));
    await settle();
    await pods.patch('default', 'a', { metadata: { labels: { tier: 'front' } } });
    await pods.patch('default', 'a', { metadata: { annotations: { touched: 'yes' } } });
    await pods.patch('default', 'a', { metadata: { labels: { tier: 'back' } } });
    await pods.patch('default', 'a', { metadata: { annotations: { touched: 'again' } } });
    await pods.create({ ...pod('b'), metadata: { name: 'b', namespace: 'default', labels: { tier: 'front' } } });
    await pods.delete('default', 'b');
    expect(w.seen).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED b', 'DELETED b']);
    w.stop();
  });

  it('filters by field selector (spec.nodeName), as node agents watch their pods', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const w = record(pods.watch({ fieldSelector: 'spec.nodeName=node-1' }));
    await settle();
    await pods.create(pod('a'));
    await pods.create(pod('b'));
    await api.bindPod({ namespace: 'default', name: 'a' }, 'node-1');
    await api.bindPod({ namespace: 'default', name: 'b' }, 'node-2');
    await pods.delete('default', 'a', { gracePeriodSeconds: 0 });
    expect(w.seen).toEqual(['ADDED a', 'DELETED a']);
    w.stop();
  });

  it('takes a structured label selector', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const w = record(
      pods.watch({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }),
    );
    await settle();
    await pods.create(pod('a'));
    await pods.create({ ...pod('b'), metadata: { name: 'b', namespace: 'default', labels: { app: 'db' } } });
    expect(w.seen).toEqual(['ADDED a']);
    w.stop();
  });

  it('resumes from a resourceVersion, replaying what matched after it', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    const list = await pods.list({ labelSelector: 'app=web' });
    await pods.create(pod('a'));
    await pods.create({ ...pod('b'), metadata: { name: 'b', namespace: 'default', labels: { app: 'db' } } });
    await pods.patch('default', 'a', { metadata: { labels: { app: 'gone' } } });
    const w = record(pods.watch({ labelSelector: 'app=web', resourceVersion: list.resourceVersion }));
    await settle();
    expect(w.seen).toEqual(['ADDED a', 'DELETED a']);
    w.stop();
  });

  it('reports a bad selector as the stream error', async () => {
    const { api } = newApi();
    const w = record(api.resource('Pod').watch({ labelSelector: 'a in (b' }));
    expect(w.errors[0]).toBeInstanceOf(BadRequestError);
  });

  it('without selectors, passes every event of the namespace through', async () => {
    const { api } = newApi();
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const pods = api.resource('Pod');
    const w = record(pods.watch({ namespace: 'default' }));
    await pods.create(pod('a'));
    await pods.create(pod('x', 'other'));
    await pods.patch('default', 'a', { metadata: { labels: { v: '2' } } });
    expect(w.seen).toEqual(['ADDED a', 'MODIFIED a']);
    w.stop();
  });
});

describe('list', () => {
  it('filters by label and field selectors and pages with limit/continue', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    for (const name of ['a', 'b', 'c', 'd']) await pods.create(pod(name));
    await api.bindPod({ namespace: 'default', name: 'b' }, 'node-1');
    await api.bindPod({ namespace: 'default', name: 'c' }, 'node-1');
    const onNode = await pods.list({ namespace: 'default', fieldSelector: 'spec.nodeName=node-1' });
    expect(onNode.items.map((p) => p.metadata.name)).toEqual(['b', 'c']);
    const unscheduled = await pods.list({ fieldSelector: 'spec.nodeName=', labelSelector: 'app=web' });
    expect(unscheduled.items.map((p) => p.metadata.name)).toEqual(['a', 'd']);

    const first = await pods.list({ namespace: 'default', limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.continue).toBeDefined();
    const rest = await pods.list({ namespace: 'default', limit: 3, continue: first.continue });
    expect(rest.items.map((p) => p.metadata.name)).toEqual(['d']);
    expect(rest.continue).toBeUndefined();
  });

  it('rejects a malformed selector with a BadRequestError', async () => {
    const { api } = newApi();
    await expect(api.resource('Pod').list({ labelSelector: 'a in (b' })).rejects.toBeInstanceOf(BadRequestError);
  });
});
