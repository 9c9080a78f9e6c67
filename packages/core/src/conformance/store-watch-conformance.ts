import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, ExpiredError, NotFoundError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { Store, WatchEvent } from '../store/store.js';
import type { StoreFixture } from './store-fixture.js';
import {
  cm,
  collectThroughName,
  collectUntil,
  configMap,
  describeEvent,
  type StoreSuite,
  watchError,
} from './store-suite-helpers.js';

/** The watch section of the Store conformance suite: ordering, filtering, resume, expiry. */
export function describeWatchConformance(suite: StoreSuite): void {
  let store: Store;
  let fixture: StoreFixture;
  beforeEach(() => {
    store = suite.store;
    fixture = suite.fixture;
  });

  describe('watch', () => {
    it('delivers every change in revision order, DELETED with the deleting revision', async () => {
      const start = await store.currentRevision();
      const a = await store.create(cm('a'), configMap('a'));
      const b = await store.create(cm('b'), configMap('b'));
      const a2 = await store.update(cm('a'), { ...a, data: { x: 'y' } }, a.metadata.resourceVersion!);
      const gone = await store.delete(cm('b'));
      const events = await collectUntil(
        store.watch('configmaps', { resourceVersion: start }),
        gone.metadata.resourceVersion!,
      );
      expect(events.map(describeEvent)).toEqual([
        `ADDED default/a @${a.metadata.resourceVersion}`,
        `ADDED default/b @${b.metadata.resourceVersion}`,
        `MODIFIED default/a @${a2.metadata.resourceVersion}`,
        `DELETED default/b @${gone.metadata.resourceVersion}`,
      ]);
      expect(events[2].object).toEqual(a2);
      expect(events[3].object).toEqual(gone);
      expect(events[3].object.metadata.name).toBe(b.metadata.name);
    });

    it('follows live writes made after it subscribed, and only its resource', async () => {
      const start = await store.currentRevision();
      const live = collectThroughName(store.watch('configmaps', { resourceVersion: start }), 'c4');
      const written: string[] = [];
      for (let i = 0; i < 5; i++) {
        await store.create({ resource: 'secrets', namespace: 'default', name: `s${i}` }, configMap(`s${i}`));
        const o = await store.create(cm(`c${i}`), configMap(`c${i}`));
        written.push(`ADDED default/c${i} @${o.metadata.resourceVersion}`);
      }
      expect((await live).map(describeEvent)).toEqual(written);
    });

    it('delivers only the changes whose object passes the filter, replayed and live', async () => {
      const start = await store.currentRevision();
      const wanted = (o: Readonly<KubeObject>) => o.metadata.labels?.tier === 'web';
      await store.create(cm('a'), configMap('a', { labels: { tier: 'web' } }));
      await store.create(cm('b'), configMap('b', { labels: { tier: 'db' } }));
      const events = collectThroughName(store.watch('configmaps', { resourceVersion: start, filter: wanted }), 'd');
      await store.create(cm('c'), configMap('c', { labels: { tier: 'db' } }));
      await store.create(cm('d'), configMap('d', { labels: { tier: 'web' } }));
      expect((await events).map((e) => e.object.metadata.name)).toEqual(['a', 'd']);
    });

    it('scopes a watch to one namespace', async () => {
      const start = await store.currentRevision();
      await store.create(cm('a', 'one'), configMap('a', { namespace: 'one' }));
      await store.create(cm('a', 'two'), configMap('a', { namespace: 'two' }));
      const last = await store.create(cm('b', 'two'), configMap('b', { namespace: 'two' }));
      const events = await collectUntil(
        store.watch('configmaps', { namespace: 'two', resourceVersion: start }),
        last.metadata.resourceVersion!,
      );
      expect(events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual(['two/a', 'two/b']);
    });

    it('replays then follows live with no gap and no duplicate while a writer keeps writing', async () => {
      const start = await store.currentRevision();
      const rvs: string[] = [];
      const write = async (name: string) =>
        rvs.push((await store.create(cm(name), configMap(name))).metadata.resourceVersion!);
      for (let i = 0; i < 10; i++) await write(`early-${i}`);
      const writer = (async () => {
        for (let i = 0; i < 30; i++) await write(`late-${i}`);
      })();
      // Subscribes while the writer runs: replay and live overlap.
      const events = await collectThroughName(store.watch('configmaps', { resourceVersion: start }), 'late-29');
      await writer;
      expect(events.map((e) => e.object.metadata.resourceVersion)).toEqual(rvs);
    });

    it('resumes from any revision with no gap and no duplicate (property)', async () => {
      const op = fc.record({
        kind: fc.constantFrom('create', 'update', 'delete'),
        name: fc.constantFrom('a', 'b', 'c'),
        namespace: fc.constantFrom('x', 'y'),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 1, maxLength: 25 }),
          fc.nat(),
          fc.boolean(),
          async (ops, pick, scoped) => {
            const resource = `things-${run++}`;
            const history: WatchEvent[] = [];
            const revisions = [await store.currentRevision()];
            for (const { kind, name, namespace } of ops) {
              const key = { resource, namespace, name };
              let event: WatchEvent;
              try {
                if (kind === 'create')
                  event = { type: 'ADDED', object: await store.create(key, configMap(name, { namespace })) };
                else if (kind === 'update') {
                  const cur = await store.get(key);
                  event = {
                    type: 'MODIFIED',
                    object: await store.update(
                      key,
                      { ...cur, data: { t: String(revisions.length) } },
                      cur.metadata.resourceVersion!,
                    ),
                  };
                } else event = { type: 'DELETED', object: await store.delete(key) };
              } catch (err) {
                if (err instanceof NotFoundError || err instanceof AlreadyExistsError) continue;
                throw err;
              }
              history.push(event);
              revisions.push(event.object.metadata.resourceVersion!);
            }
            // A marker write closes the stream, so a missing or extra event cannot hide behind "nothing came yet".
            const marker = await store.create(
              { resource, namespace: 'x', name: 'zz-marker' },
              configMap('zz-marker', { namespace: 'x' }),
            );
            history.push({ type: 'ADDED', object: marker });
            const from = revisions[pick % revisions.length];
            const expected = history.filter(
              (e) =>
                Number(e.object.metadata.resourceVersion) > Number(from) &&
                (!scoped || e.object.metadata.namespace === 'x'),
            );
            const seen = await collectUntil(
              store.watch(resource, { resourceVersion: from, namespace: scoped ? 'x' : undefined }),
              marker.metadata.resourceVersion!,
            );
            expect(seen.map(describeEvent)).toEqual(expected.map(describeEvent));
            expect(seen.map((e) => e.object)).toEqual(expected.map((e) => e.object));
          },
        ),
        { numRuns: 25 },
      );
    });

    it('fails with ExpiredError when the revision is older than the retained history', async () => {
      const before = await store.currentRevision();
      const old = await store.create(cm('a'), configMap('a'));
      await store.update(cm('a'), old, old.metadata.resourceVersion!);
      await fixture.expireHistory();
      const err = await watchError(store.watch('configmaps', { resourceVersion: before }));
      expect(err).toBeInstanceOf(ExpiredError);
      expect((err as ExpiredError).reason).toBe('Expired');
      // A fresh list gives a revision to resume from.
      const { resourceVersion } = await store.list('configmaps');
      const next = await store.create(cm('b'), configMap('b'));
      const events = await collectUntil(store.watch('configmaps', { resourceVersion }), next.metadata.resourceVersion!);
      expect(events.map(describeEvent)).toEqual([describeEvent({ type: 'ADDED', object: next })]);
    });
  });
}
