import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Api, type ConfigMap, ExpiredError, Informer, type KubeObject, MemoryStore } from '../../src/index.js';

const key = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });
/** A ConfigMap whose JSON is about `bytes` long. */
const sized = (name: string, bytes: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { payload: 'x'.repeat(bytes) },
});

/** Runs macrotask turns until `done` holds (each turn lets lagging watchers catch up); fails after `turns`. */
async function turnsUntil(done: () => boolean, turns = 1_000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error(`not done after ${turns} event-loop turns`);
}

describe('MemoryStore history bounds: by count and by bytes, whichever is reached first', () => {
  // Each case writes `writes` ConfigMaps of about `bytes` each after a marker
  // write, and says whether a watch from the marker's revision still replays.
  const cases = [
    {
      name: 'small objects within both bounds',
      historyLimit: 100,
      historyBytes: 1_000_000,
      writes: 50,
      bytes: 100,
      replays: true,
    },
    {
      name: 'more writes than the count bound',
      historyLimit: 20,
      historyBytes: 1_000_000,
      writes: 50,
      bytes: 100,
      replays: false,
    },
    {
      name: 'big objects past the byte bound',
      historyLimit: 100,
      historyBytes: 100_000,
      writes: 50,
      bytes: 10_000,
      replays: false,
    },
    {
      name: 'big objects just within the byte bound',
      historyLimit: 100,
      historyBytes: 1_000_000,
      writes: 50,
      bytes: 10_000,
      replays: true,
    },
  ];
  it.each(cases)('$name: replay from before them -> $replays', async ({
    historyLimit,
    historyBytes,
    writes,
    bytes,
    replays,
  }) => {
    const store = new MemoryStore({ historyLimit, historyBytes });
    const marker = await store.create(key('marker'), sized('marker', 10));
    for (let i = 0; i < writes; i++) await store.create(key(`cm-${i}`), sized(`cm-${i}`, bytes));
    const replay = firstValueFrom(
      store.watch('configmaps', { resourceVersion: marker.metadata.resourceVersion }).pipe(take(writes), toArray()),
    );
    if (replays) expect((await replay).map((e) => e.object.metadata.name)).toHaveLength(writes);
    else await expect(replay).rejects.toBeInstanceOf(ExpiredError);
  });

  it('keeps the newest writes that fit the byte bound, so a watch from within them still replays', async () => {
    const store = new MemoryStore({ historyBytes: 50_000 });
    const revisions: string[] = [];
    for (let i = 0; i < 40; i++) {
      revisions.push((await store.create(key(`cm-${i}`), sized(`cm-${i}`, 10_000))).metadata.resourceVersion ?? '');
    }
    // About four 10 kB objects fit in 50 kB: a watch from three writes back replays them.
    const recent = await firstValueFrom(
      store.watch('configmaps', { resourceVersion: revisions[36] }).pipe(take(3), toArray()),
    );
    expect(recent.map((e) => e.object.metadata.name)).toEqual(['cm-37', 'cm-38', 'cm-39']);
    await expect(firstValueFrom(store.watch('configmaps', { resourceVersion: revisions[20] }))).rejects.toBeInstanceOf(
      ExpiredError,
    );
  });
});

describe('MemoryStore watchers that cannot keep up', () => {
  /** A store whose watch clock is a counter: a handler "takes" time by advancing it. */
  const withClock = (watchBufferEvents = 10_000) => {
    let ms = 0;
    const clock = { now: () => ms, advance: (by: number) => (ms += by) };
    return { clock, store: new MemoryStore({ watchClock: clock, watchBufferEvents }) };
  };

  it('delivers to a quick watcher inside the write, and moves a slow one off the writers path to catch up later, in order', async () => {
    const { clock, store } = withClock();
    const quick: string[] = [];
    const slow: string[] = [];
    store.watch('configmaps').subscribe((e) => quick.push(e.object.metadata.name));
    store.watch('configmaps').subscribe((e) => {
      slow.push(e.object.metadata.name);
      clock.advance(1); // 1 ms of work per event
    });
    const names = Array.from({ length: 100 }, (_, i) => `cm-${i}`);
    for (const name of names) await store.create(key(name), sized(name, 10));
    // The writer did not wait for the slow watcher: it got about three 10 ms fairness windows' worth, not all 100.
    expect(quick).toEqual(names);
    expect(slow.length).toBeLessThan(60);
    await turnsUntil(() => slow.length === names.length);
    expect(slow).toEqual(names);
    // Caught up, it is back on the writers' path: the next write reaches it inside the write.
    await store.create(key('later'), sized('later', 10));
    expect(slow.at(-1)).toBe('later');
  });

  it('gives a lagging watcher, per turn, as long as the rest of the process had since its last turn, from 5 to 50 ms', async () => {
    const { clock, store } = withClock();
    const slow: string[] = [];
    store.watch('configmaps').subscribe((e) => {
      slow.push(e.object.metadata.name);
      clock.advance(1); // 1 ms of work per event
    });
    for (let i = 0; i < 400; i++) await store.create(key(`cm-${i}`), sized(`cm-${i}`, 10));
    const turn = async (othersMs: number) => {
      clock.advance(othersMs); // what the rest of the process spent between two catch-up turns
      const before = slow.length;
      await new Promise((resolve) => setImmediate(resolve));
      return slow.length - before;
    };
    await turn(0);
    expect([await turn(0), await turn(30), await turn(200), await turn(2)]).toEqual([5, 30, 50, 5]);
  });

  it('closes a watcher whose buffer overflows with a resumable Expired, leaving other watchers and writers alone', async () => {
    const { clock, store } = withClock(10);
    const quick: string[] = [];
    const slow: string[] = [];
    let closedWith: unknown;
    store.watch('configmaps').subscribe((e) => quick.push(e.object.metadata.name));
    store.watch('configmaps').subscribe({
      next: (e) => {
        slow.push(e.object.metadata.name);
        clock.advance(1);
      },
      error: (err: unknown) => {
        closedWith = err;
      },
    });
    const names = Array.from({ length: 100 }, (_, i) => `cm-${i}`);
    const written: string[] = [];
    for (const name of names)
      written.push((await store.create(key(name), sized(name, 10))).metadata.resourceVersion ?? '');
    expect(quick).toEqual(names);
    expect(closedWith).toBeInstanceOf(ExpiredError);
    // Resuming from the last event it got replays the rest, with no gap and no duplicate.
    const last = written[slow.length - 1];
    const rest = await firstValueFrom(
      store.watch('configmaps', { resourceVersion: last }).pipe(take(names.length - slow.length), toArray()),
    );
    expect([...slow, ...rest.map((e) => e.object.metadata.name)]).toEqual(names);
  });

  it('drops a lagging watcher that unsubscribes, and delivers nothing more to it', async () => {
    const { clock, store } = withClock();
    const slow: string[] = [];
    const subscription = store.watch('configmaps').subscribe((e) => {
      slow.push(e.object.metadata.name);
      clock.advance(1);
    });
    for (let i = 0; i < 50; i++) await store.create(key(`cm-${i}`), sized(`cm-${i}`, 10));
    const before = slow.length;
    subscription.unsubscribe();
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(slow.length).toBe(before);
  });

  it('makes a slow informer that overflows list again and end equal to the store', async () => {
    const { clock, store } = withClock(20);
    const api = new Api({ store });
    const configMaps = api.resource('ConfigMap');
    await configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first', namespace: 'default' } });
    let lists = 0;
    const source = {
      resource: (kind: string) => {
        const client = api.resource(kind);
        return {
          list: (opts?: Parameters<typeof client.list>[0]) => {
            lists++;
            return client.list(opts);
          },
          watch: (opts?: Parameters<typeof client.watch>[0]) => client.watch(opts),
        };
      },
    };
    const informer = new Informer<ConfigMap>(source, 'ConfigMap', { namespace: 'default' });
    informer.events$.subscribe(() => clock.advance(1));
    informer.start();
    await informer.synced;
    for (let i = 0; i < 200; i++) {
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, namespace: 'default' },
      });
    }
    const stored = await configMaps.list({ namespace: 'default' });
    const versions = (objects: readonly KubeObject[]) =>
      objects.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    await turnsUntil(() => informer.cache.list().length === stored.items.length);
    expect(versions(informer.cache.list())).toEqual(versions(stored.items));
    // It fell behind, was closed with Expired, and listed again.
    expect(lists).toBeGreaterThan(1);
    informer.stop();
    api.close();
  });
});
