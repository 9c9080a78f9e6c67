import { firstValueFrom, Observable, type Subscription } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Api,
  type ClientWatchOptions,
  type ConfigMap,
  ExpiredError,
  Informer,
  type KubeObject,
  type ResourceClientSource,
  type Store,
  type WatchEvent,
} from '../../../src/index.js';
import { EtcdFixture } from './etcd-fixture.js';
import { eventually } from './eventually.js';
import { ProcessFaults } from './process-faults.js';

const configMap = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { name },
});
const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });

/** Follows a watch, keeping the names of the objects it delivered and the error it ended with. */
function follow(events: Observable<WatchEvent>): { names: string[]; errors: unknown[]; subscription: Subscription } {
  const names: string[] = [];
  const errors: unknown[] = [];
  const subscription = events.subscribe({
    next: (e) => names.push(e.object.metadata.name),
    error: (err: unknown) => errors.push(err),
  });
  return { names, errors, subscription };
}

/**
 * Writes `name` and waits until `witness` has seen it: every reply etcd sent
 * on the watch stream before that write (such as the answer to a cancel) has
 * been handled by then, because one stream is delivered in order.
 */
async function roundTrip(store: Store, witness: { names: string[] }, name: string): Promise<void> {
  await store.create(key(name), configMap(name));
  await eventually(() => witness.names.includes(name), `the open watch to see ${name}`);
}

/**
 * Nothing from the etcd client may escape as an uncaught exception or an
 * unhandled rejection, whatever the watch meets: compaction, a member that
 * dies and comes back, the store closing under open watches.
 */
describe('EtcdStore contains every etcd client fault (real single-member etcd)', () => {
  const etcd = new EtcdFixture();
  const faults = new ProcessFaults();
  beforeAll(() => etcd.start(1));
  afterAll(() => etcd.stop());
  beforeEach(() => faults.install());
  afterEach(() => faults.uninstall());

  it('fails watches from a compacted revision with Expired while another watch stays open, and nothing escapes', async () => {
    const { store, expireHistory } = await etcd.makeStore();
    const open = follow(store.watch('configmaps', { resourceVersion: await store.currentRevision() }));
    try {
      const first = await store.create(key('a'), configMap('a'));
      await store.create(key('b'), configMap('b'));
      await store.create(key('c'), configMap('c'));
      // The open watch must have caught up before history goes: etcd expires
      // a watch still replaying history below the compaction point (its
      // catch-up loop runs every 100 ms), exactly as Kubernetes answers 410.
      await eventually(() => open.names.includes('c'), 'the open watch to catch up to c');
      await expireHistory();
      for (let round = 0; round < 5; round++) {
        const expired = firstValueFrom(store.watch('configmaps', { resourceVersion: first.metadata.resourceVersion }));
        await expect(expired).rejects.toBeInstanceOf(ExpiredError);
        await roundTrip(store, open, `after-${round}`);
      }
      expect(open.errors).toEqual([]);
      expect(faults.describe()).toEqual([]);
    } finally {
      open.subscription.unsubscribe();
      await store.close();
    }
  });

  it('lets an informer on etcd that meets a 410 list again and catch up, and nothing escapes', async () => {
    const { store, expireHistory } = await etcd.makeStore();
    const api = new Api({ store });
    // The informer's first watch waits until history has been compacted
    // past the list it follows, so it meets the 410 every time.
    let compacted: () => void = () => undefined;
    const historyGone = new Promise<void>((resolve) => {
      compacted = resolve;
    });
    const source: ResourceClientSource = {
      resource: (kind) => {
        const client = api.resource(kind);
        return {
          list: (opts) => client.list(opts),
          watch: (opts: ClientWatchOptions = {}) =>
            new Observable<WatchEvent>((subscriber) => {
              let inner: Subscription | undefined;
              void historyGone.then(() => {
                if (!subscriber.closed) inner = client.watch(opts).subscribe(subscriber);
              });
              return () => inner?.unsubscribe();
            }),
        };
      },
    };
    const informer = new Informer<ConfigMap>(source, 'ConfigMap', { namespace: 'default' });
    try {
      const configMaps = api.resource('ConfigMap');
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'listed', namespace: 'default' },
      });
      informer.start();
      await informer.synced;
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'missed', namespace: 'default' },
      });
      await expireHistory();
      compacted();
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'after', namespace: 'default' },
      });
      await eventually(() => informer.cache.list().length === 3, 'the informer to list again after the 410');
      const stored = await configMaps.list({ namespace: 'default' });
      const cached = informer.cache.list().map((o) => [o.metadata.name, o.metadata.resourceVersion]);
      expect(cached.sort()).toEqual(stored.items.map((o) => [o.metadata.name, o.metadata.resourceVersion]).sort());
      const namespaces = follow(store.watch('namespaces', { resourceVersion: await store.currentRevision() }));
      await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe' } });
      await eventually(() => namespaces.names.includes('probe'), 'the namespace watch to see the probe');
      namespaces.subscription.unsubscribe();
      expect(faults.describe()).toEqual([]);
    } finally {
      informer.stop();
      await api.close();
      await store.close();
    }
  });

  it('survives unsubscribing watches while their member is down and after it comes back, and nothing escapes', async () => {
    const { store } = await etcd.makeStore();
    const kept = follow(store.watch('configmaps', { resourceVersion: await store.currentRevision() }));
    const dropped = [
      follow(store.watch('configmaps', { resourceVersion: await store.currentRevision() })),
      follow(store.watch('configmaps', { resourceVersion: await store.currentRevision() })),
    ];
    try {
      await roundTrip(store, kept, 'before');
      await etcd.handle.kill(0);
      dropped[0].subscription.unsubscribe();
      await etcd.handle.restart(0);
      dropped[1].subscription.unsubscribe();
      await roundTrip(store, kept, 'after-restart');
      await roundTrip(store, kept, 'after-restart-2');
      expect(kept.errors).toEqual([]);
      expect(faults.describe()).toEqual([]);
    } finally {
      kept.subscription.unsubscribe();
      await store.close();
    }
  });

  it('completes open watches and fails later calls when the store closes, and nothing escapes', async () => {
    const { store } = await etcd.makeStore();
    let completed = 0;
    const watches = [0, 1, 2].map(() => store.watch('configmaps').subscribe({ complete: () => completed++ }));
    const witness = follow(store.watch('configmaps', { resourceVersion: await store.currentRevision() }));
    await roundTrip(store, witness, 'before-close');
    const inFlight = store.create(key('racing-close'), configMap('racing-close')).catch((err: unknown) => err);
    await store.close();
    await inFlight;
    expect(completed).toBe(3);
    await expect(store.get(key('before-close'))).rejects.toThrow();
    for (const w of watches) w.unsubscribe();
    witness.subscription.unsubscribe();
    // Give a reply that was in flight at close time the chance to arrive and be mishandled.
    const other = await etcd.makeStore();
    const probe = follow(other.store.watch('configmaps', { resourceVersion: await other.store.currentRevision() }));
    await roundTrip(other.store, probe, 'after-close');
    probe.subscription.unsubscribe();
    await other.store.close();
    expect(faults.describe()).toEqual([]);
  });
});
