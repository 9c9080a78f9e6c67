import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { InformerFactory } from '../../src/informer/informer-factory.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { FaultyStoreSource, pod, podKey } from './store-source.js';

describe('InformerFactory', () => {
  it('shares one informer per (kind, namespace, selector)', () => {
    const factory = new InformerFactory(new FaultyStoreSource(new MemoryStore()), { clock: new FakeClock() });
    const pods = factory.for('Pod');
    expect(factory.for('Pod')).toBe(pods);
    expect(factory.for('Pod', { namespace: 'prod' })).not.toBe(pods);
    expect(factory.for('Pod', { labelSelector: 'app=web' })).not.toBe(pods);
    expect(factory.for('Node')).not.toBe(pods);
  });

  it('refuses to share an informer under a different transform or resync period', () => {
    const factory = new InformerFactory(new FaultyStoreSource(new MemoryStore()));
    factory.for('Pod', { resyncPeriodMs: 1000 });
    expect(() => factory.for('Pod', { resyncPeriodMs: 2000 })).toThrow(/same options/);
    expect(() => factory.for('Pod', { transform: (o) => o })).toThrow(/same options/);
    expect(factory.for('Pod', { resyncPeriodMs: 1000 })).toBe(factory.for('Pod'));
  });

  it('starts every informer, including ones asked for after start, and waits for all to sync', async () => {
    const store = new MemoryStore();
    await store.create(podKey('a'), pod('a'));
    await store.create({ resource: 'nodes', name: 'n1' }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const factory = new InformerFactory(new FaultyStoreSource(store));
    const pods = factory.for('Pod');
    const ac = new AbortController();
    factory.start(ac.signal);
    const nodes = factory.for('Node');
    await factory.waitForSync();
    expect(pods.cache.size).toBe(1);
    expect(nodes.cache.get('n1')).toBeDefined();
    ac.abort();
  });

  it('stops every informer when the signal aborts, listening on the signal once however many there are', async () => {
    const factory = new InformerFactory(new FaultyStoreSource(new MemoryStore()));
    const ac = new AbortController();
    const kinds = Array.from({ length: 12 }, (_, i) => `Kind${i}`);
    const early = kinds.slice(0, 6).map((kind) => factory.for(kind));
    factory.start(ac.signal);
    const late = kinds.slice(6).map((kind) => factory.for(kind));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    const completed = [...early, ...late].map(
      (informer) => new Promise<void>((resolve) => informer.events$.subscribe({ complete: resolve })),
    );
    ac.abort();
    await Promise.all(completed);
    // Asked for after the abort: never runs.
    const after = factory.for('After');
    await new Promise<void>((resolve) => after.events$.subscribe({ complete: resolve }));
  });

  it('keeps following under the first signal when started again: a second starter aborting stops nothing', async () => {
    const store = new MemoryStore();
    const factory = new InformerFactory(new FaultyStoreSource(store));
    const pods = factory.for('Pod');
    const manager = new AbortController();
    const term = new AbortController();
    factory.start(manager.signal);
    factory.start(term.signal);
    await factory.waitForSync();
    term.abort();
    const seen = new Promise<void>((resolve) =>
      pods.events$.subscribe((e) => {
        if (e.object.metadata.name === 'after-term') resolve();
      }),
    );
    await store.create(podKey('after-term'), pod('after-term'));
    await seen;
    expect(pods.cache.get('default/after-term')).toBeDefined();
    const completed = new Promise<void>((resolve) => pods.events$.subscribe({ complete: resolve }));
    manager.abort();
    await completed;
  });
});
