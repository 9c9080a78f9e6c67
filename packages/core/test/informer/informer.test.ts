import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { jitteredBackoff } from '../../src/informer/backoff.js';
import { Informer } from '../../src/informer/informer.js';
import type { InformerEvent } from '../../src/informer/types.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { FaultyStoreSource, pod, podKey } from './store-source.js';

/** A store, a faulty source over it, a clock and an informer recording its events. */
function setup(
  opts: {
    historyLimit?: number;
    labelSelector?: string;
    resyncPeriodMs?: number;
    transform?: (o: KubeObject) => KubeObject;
  } = {},
) {
  const store = new MemoryStore({ historyLimit: opts.historyLimit });
  const source = new FaultyStoreSource(store);
  const clock = new FakeClock();
  const informer = new Informer(source, 'Pod', {
    clock,
    labelSelector: opts.labelSelector,
    resyncPeriodMs: opts.resyncPeriodMs,
    transform: opts.transform,
    backoff: jitteredBackoff({ random: () => 0 }),
  });
  const events: InformerEvent[] = [];
  informer.events$.subscribe((e) => events.push(e));
  const summary = () => events.map((e) => `${e.type} ${e.object.metadata.name}${e.isInInitialList ? ' (list)' : ''}`);
  return { store, source, clock, informer, events, summary };
}

describe('Informer', () => {
  it('lists, marks itself synced, then follows the watch from the list revision', async () => {
    const { store, source, clock, informer, summary } = setup();
    await store.create(podKey('a'), pod('a'));
    informer.start();
    await informer.synced;
    expect(informer.hasSynced()).toBe(true);
    expect(source.watchRevisions).toEqual([await store.currentRevision()]);
    await store.create(podKey('b'), pod('b'));
    const b = await store.get(podKey('b'));
    await store.update(podKey('b'), { ...b, spec: { nodeName: 'node-2' } }, b.metadata.resourceVersion!);
    await store.delete(podKey('a'));
    await clock.flush();
    expect(summary()).toEqual(['added a (list)', 'added b', 'updated b', 'deleted a']);
    expect(informer.cache.size).toBe(1);
    expect((informer.cache.get('default', 'b')?.spec as { nodeName: string }).nodeName).toBe('node-2');
    expect(informer.lastSyncResourceVersion()).toBe(await store.currentRevision());
    informer.stop();
  });

  it('hands out deeply frozen objects', async () => {
    const { store, informer } = setup();
    await store.create(podKey('a'), pod('a', { app: 'web' }));
    informer.start();
    await informer.synced;
    const cached = informer.cache.get('default', 'a')!;
    expect(() => {
      (cached.metadata.labels as Record<string, string>).app = 'evil';
    }).toThrow(TypeError);
    informer.stop();
  });

  it('replays the cache to a late subscriber before live events', async () => {
    const { store, clock, informer } = setup();
    await store.create(podKey('a'), pod('a'));
    informer.start();
    await informer.synced;
    const late: string[] = [];
    informer.events$.subscribe((e) => late.push(`${e.type} ${e.object.metadata.name} ${e.isInInitialList}`));
    await store.create(podKey('b'), pod('b'));
    await clock.flush();
    expect(late).toEqual(['added a true', 'added b false']);
    informer.stop();
  });

  it('resumes a dropped watch from the last revision it saw, after a backoff', async () => {
    const { store, source, clock, informer, summary } = setup();
    informer.start();
    await informer.synced;
    await store.create(podKey('a'), pod('a'));
    const seen = informer.lastSyncResourceVersion();
    source.dropWatches();
    await store.create(podKey('b'), pod('b'));
    await clock.flush();
    expect(summary()).toEqual(['added a']);
    await clock.step(800);
    expect(source.watchRevisions.at(-1)).toBe(seen);
    expect(source.listCalls).toBe(1);
    expect(summary()).toEqual(['added a', 'added b']);
    informer.stop();
  });

  it('relists on an expired revision and emits only the difference', async () => {
    const { store, source, clock, informer, summary } = setup({ historyLimit: 3 });
    for (const n of ['keep', 'change', 'vanish']) await store.create(podKey(n), pod(n));
    informer.start();
    await informer.synced;
    source.dropWatches(new Error('connection reset'));
    const change = await store.get(podKey('change'));
    await store.update(podKey('change'), { ...change, spec: { nodeName: 'n2' } }, change.metadata.resourceVersion!);
    await store.delete(podKey('vanish'));
    for (const n of ['new1', 'new2', 'new3']) await store.create(podKey(n), pod(n));
    await clock.step(800);
    expect(source.listCalls).toBe(2);
    expect(summary().slice(3)).toEqual([
      'updated change (list)',
      'added new1 (list)',
      'added new2 (list)',
      'added new3 (list)',
      'deleted vanish (list)',
    ]);
    expect(
      informer.cache
        .list()
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['change', 'keep', 'new1', 'new2', 'new3']);
    informer.stop();
  });

  it('retries a failing list with jittered exponential backoff from the clock', async () => {
    const { store, source, clock, informer } = setup();
    await store.create(podKey('a'), pod('a'));
    source.failLists = 2;
    informer.start();
    await clock.flush();
    expect(source.listCalls).toBe(1);
    await clock.step(799);
    expect(source.listCalls).toBe(1);
    await clock.step(1);
    expect(source.listCalls).toBe(2);
    await clock.step(1599);
    expect(informer.hasSynced()).toBe(false);
    await clock.step(1);
    expect(source.listCalls).toBe(3);
    expect(informer.hasSynced()).toBe(true);
    informer.stop();
  });

  it('follows a label selector: objects entering it are added, objects leaving it are deleted', async () => {
    const { store, clock, informer, summary } = setup({ labelSelector: 'app=web' });
    await store.create(podKey('web'), pod('web', { app: 'web' }));
    await store.create(podKey('db'), pod('db', { app: 'db' }));
    informer.start();
    await informer.synced;
    const web = await store.get(podKey('web'));
    await store.update(
      podKey('web'),
      { ...web, metadata: { ...web.metadata, labels: { app: 'x' } } },
      web.metadata.resourceVersion!,
    );
    const db = await store.get(podKey('db'));
    await store.update(
      podKey('db'),
      { ...db, metadata: { ...db.metadata, labels: { app: 'web' } } },
      db.metadata.resourceVersion!,
    );
    await clock.flush();
    expect(summary()).toEqual(['added web (list)', 'deleted web', 'added db']);
    informer.stop();
  });

  it('applies the transform before caching', async () => {
    const { store, informer } = setup({ transform: (o) => ({ ...o, spec: undefined }) });
    await store.create(podKey('a'), pod('a'));
    informer.start();
    await informer.synced;
    expect(informer.cache.get('default', 'a')?.spec).toBeUndefined();
    informer.stop();
  });

  it('re-delivers every cached object as updated at each resync period', async () => {
    const { store, clock, informer, events } = setup({ resyncPeriodMs: 30_000 });
    await store.create(podKey('a'), pod('a'));
    informer.start();
    await informer.synced;
    await clock.step(29_999);
    expect(events).toHaveLength(1);
    await clock.step(1);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'updated', isInInitialList: false });
    expect(events[1].object).toBe(events[1].oldObject);
    await clock.step(30_000);
    expect(events).toHaveLength(3);
    informer.stop();
    await clock.step(60_000);
    expect(events).toHaveLength(3);
  });

  it('stops on abort: completes events$ and leaves no timers', async () => {
    const { clock, informer } = setup({ resyncPeriodMs: 1000 });
    const ac = new AbortController();
    let completed = false;
    informer.events$.subscribe({ complete: () => (completed = true) });
    informer.start(ac.signal);
    await informer.synced;
    ac.abort();
    expect(completed).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});
