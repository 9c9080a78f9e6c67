import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { isReason } from '../../src/errors/api-errors.js';
import { jitteredBackoff } from '../../src/informer/backoff.js';
import { Informer } from '../../src/informer/informer.js';
import { keyOf } from '../../src/informer/object-key.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { FaultyStoreSource, pod, podKey } from './store-source.js';

/** One step of a scenario run against a store that an informer follows. */
type Step =
  | { op: 'create' | 'update' | 'delete'; name: string; label: 'a' | 'b' }
  | { op: 'drop'; asError: boolean }
  | { op: 'burst' }
  | { op: 'wait'; ms: number };

const names = ['p0', 'p1', 'p2', 'p3'];
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('create', 'update', 'delete'),
      name: fc.constantFrom(...names),
      label: fc.constantFrom('a', 'b'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop'), asError: fc.boolean() }) },
  // Enough writes to push the informer's revision out of the store's history: the next resume is Expired.
  { weight: 2, arbitrary: fc.record({ op: fc.constant('burst') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wait'), ms: fc.integer({ min: 0, max: 2000 }) }) },
) as fc.Arbitrary<Step>;

/** Writes that may fail because the object is missing or present: the scenario does not track existence. */
async function tolerate(write: Promise<unknown>): Promise<void> {
  await write.catch((err: unknown) => {
    if (!isReason(err, 'NotFound') && !isReason(err, 'AlreadyExists')) throw err;
  });
}

async function perform(store: MemoryStore, source: FaultyStoreSource, clock: FakeClock, s: Step): Promise<void> {
  switch (s.op) {
    case 'create':
      return tolerate(store.create(podKey(s.name), pod(s.name, { set: s.label })));
    case 'update':
      return tolerate(
        store
          .get(podKey(s.name))
          .then((cur) =>
            store.update(
              podKey(s.name),
              { ...cur, metadata: { ...cur.metadata, labels: { set: s.label } }, spec: { n: clock.now() } },
              cur.metadata.resourceVersion!,
            ),
          ),
      );
    case 'delete':
      return tolerate(store.delete(podKey(s.name)));
    case 'drop':
      return source.dropWatches(s.asError ? new Error('connection reset') : undefined);
    case 'burst':
      for (let i = 0; i < 6; i++) {
        const name = `cm-${await store.currentRevision()}`;
        await store.create({ resource: 'configmaps', namespace: 'default', name }, pod(name));
      }
      return;
    case 'wait':
      return clock.step(s.ms);
  }
}

describe('Informer consistency (property)', () => {
  it('ends with the cache equal to the store and per-object events in revision order, through drops and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 40 }),
        fc.constantFrom(undefined, 'set=a'),
        async (steps, labelSelector) => {
          const store = new MemoryStore({ historyLimit: 5 });
          const source = new FaultyStoreSource(store);
          const clock = new FakeClock();
          await store.create(podKey('seed'), pod('seed', { set: 'a' }));
          const informer = new Informer(source, 'Pod', {
            clock,
            labelSelector,
            backoff: jitteredBackoff({ random: () => 0.5 }),
          });
          const lastRevisionSeen = new Map<string, number>();
          const outOfOrder: string[] = [];
          informer.events$.subscribe((e) => {
            const key = keyOf(e.object);
            const rv = Number(e.object.metadata.resourceVersion);
            if (rv < (lastRevisionSeen.get(key) ?? 0)) outOfOrder.push(`${key}@${rv}`);
            lastRevisionSeen.set(key, rv);
          });
          informer.start();
          await informer.synced;
          for (const s of steps) await perform(store, source, clock, s);
          // Let any backoff and relist finish: the longest wait is 30 s plus jitter.
          await clock.step(60_000);
          const expected = (await store.list('pods', { labelSelector })).items;
          const actual = informer.cache.list();
          expect(Object.fromEntries(actual.map((o) => [keyOf(o), o.metadata.resourceVersion]))).toEqual(
            Object.fromEntries(expected.map((o) => [keyOf(o), o.metadata.resourceVersion])),
          );
          expect(outOfOrder).toEqual([]);
          informer.stop();
        },
      ),
      { numRuns: 300 },
    );
  });
});
