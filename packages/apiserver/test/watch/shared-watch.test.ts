import { Api, type ClientWatchOptions, ExpiredError, MemoryStore, type WatchEvent } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedWatch, type WatchSource } from '../../src/watch/shared-watch.js';

let store: MemoryStore;
let api: Api;
/** The ConfigMap client, counting the store watches opened through it. */
let source: WatchSource & { opened: number };

beforeEach(() => {
  store = new MemoryStore({ historyLimit: 5 });
  api = new Api({ store });
  const configMaps = api.resource('ConfigMap');
  source = {
    opened: 0,
    watch(opts: ClientWatchOptions) {
      this.opened++;
      return configMaps.watch(opts);
    },
  };
});
afterEach(async () => {
  await api.close();
  await store.close();
});

const create = async (name: string) =>
  (
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } })
  ).metadata.resourceVersion!;

/** Subscribes and records the names it sees, or the error that ended it. */
function watcher(opts: ClientWatchOptions) {
  const names: string[] = [];
  const seen: WatchEvent[] = [];
  let failure: unknown;
  const subscription = sharedWatch(source, opts).subscribe({
    next: (e) => {
      names.push(e.object.metadata.name);
      seen.push(e);
    },
    error: (err: unknown) => {
      failure = err;
    },
  });
  return { names, seen, subscription, failure: () => failure };
}

describe('sharedWatch', () => {
  it('watchers of one scope from one revision share one store watch and get every change in order', async () => {
    const from = await create('before');
    const a = watcher({ namespace: 'default', resourceVersion: from });
    const b = watcher({ namespace: 'default', resourceVersion: from });
    await create('one');
    await create('two');
    expect(source.opened).toBe(1);
    expect(a.names).toEqual(['one', 'two']);
    expect(b.names).toEqual(['one', 'two']);
    expect(b.seen[0]).toBe(a.seen[0]);
  });

  it('a watcher joining from a revision the shared watch has passed gets the changes after it, then the live ones', async () => {
    const from = await create('before');
    const first = watcher({ namespace: 'default', resourceVersion: from });
    const one = await create('one');
    await create('two');
    const late = watcher({ namespace: 'default', resourceVersion: one });
    await create('three');
    expect(source.opened).toBe(1);
    expect(first.names).toEqual(['one', 'two', 'three']);
    expect(late.names).toEqual(['two', 'three']);
  });

  it.each([
    { name: 'another namespace', second: { namespace: 'kube-system' } },
    { name: 'a label selector', second: { namespace: 'default', labelSelector: 'app=web' } },
  ])('a watcher with $name gets its own store watch', async ({ second }) => {
    const from = await create('before');
    watcher({ namespace: 'default', resourceVersion: from });
    watcher({ ...second, resourceVersion: from });
    expect(source.opened).toBe(2);
  });

  it('a watcher from before the shared watch began watches on its own, from the store history', async () => {
    const early = await create('early');
    const from = await create('before');
    watcher({ namespace: 'default', resourceVersion: from });
    const older = watcher({ namespace: 'default', resourceVersion: early });
    await create('one');
    expect(source.opened).toBe(2);
    expect(older.names).toEqual(['before', 'one']);
  });

  it('the last watcher leaving closes the store watch; the next one opens another', async () => {
    const from = await create('before');
    const a = watcher({ namespace: 'default', resourceVersion: from });
    const b = watcher({ namespace: 'default', resourceVersion: from });
    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    await create('unseen');
    watcher({ namespace: 'default', resourceVersion: from });
    expect(source.opened).toBe(2);
    expect(a.names).toEqual([]);
  });

  it('a revision older than the store history fails with ExpiredError, as an own watch does', async () => {
    const old = await create('old');
    for (let i = 0; i < 8; i++) await create(`later-${i}`);
    const w = watcher({ namespace: 'default', resourceVersion: old });
    expect(w.failure()).toBeInstanceOf(ExpiredError);
  });
});
