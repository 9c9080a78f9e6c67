import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, type ApiError, ConflictError, ExpiredError, NotFoundError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { Store } from '../store/store.js';
import type { StoreFixture } from './store-fixture.js';
import { cm, collectUntil, configMap, describeEvent, rejection, type StoreSuite } from './store-suite-helpers.js';
import { describeWatchConformance } from './store-watch-conformance.js';

/**
 * The one suite every `Store` backend must pass: the `Store` interface's
 * Guarantees, spelled out as tests. `makeStore` is called before each test
 * and must return an empty store (fresh key space).
 */
export function describeStoreConformance(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`Store conformance: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    const suite: StoreSuite = {
      get store() {
        return store;
      },
      get fixture() {
        return fixture;
      },
    };
    afterEach(async () => {
      await store.close();
      await fixture.dispose?.();
    });

    describe('CRUD', () => {
      it('creates, gets, updates and deletes an object, stamping each write with its revision', async () => {
        const created = await store.create(cm('a'), configMap('a', { namespace: 'default', data: { k: '1' } }));
        expect(created.data).toEqual({ k: '1' });
        expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(await store.get(cm('a'))).toEqual(created);

        const updated = await store.update(
          cm('a'),
          { ...created, data: { k: '2' } },
          created.metadata.resourceVersion!,
        );
        expect(updated.data).toEqual({ k: '2' });
        expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
        expect(await store.get(cm('a'))).toEqual(updated);

        const deleted = await store.delete(cm('a'), updated.metadata.resourceVersion);
        expect(deleted.data).toEqual({ k: '2' });
        expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(updated.metadata.resourceVersion));
        expect(await rejection(store.get(cm('a')))).toBeInstanceOf(NotFoundError);
      });

      it('stores cluster-scoped objects without a namespace', async () => {
        const key = { resource: 'nodes', name: 'node-1' };
        const created = await store.create(key, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
        expect(await store.get(key)).toEqual(created);
        expect((await store.list('nodes')).items).toEqual([created]);
      });

      it.each([
        ['get', (s: Store) => s.get(cm('missing'))],
        ['update', (s: Store) => s.update(cm('missing'), configMap('missing'), '1')],
        ['delete', (s: Store) => s.delete(cm('missing'))],
      ])('%s of a missing object fails with NotFoundError naming it', async (_op, call) => {
        const err = await rejection(call(store));
        expect(err).toBeInstanceOf(NotFoundError);
        expect((err as NotFoundError).target).toEqual({
          resource: 'configmaps',
          namespace: 'default',
          name: 'missing',
        });
        expect((err as ApiError).reason).toBe('NotFound');
      });

      it('create of a taken key fails with AlreadyExistsError and changes nothing', async () => {
        const first = await store.create(cm('a'), configMap('a', { data: { v: 'first' } }));
        const err = await rejection(store.create(cm('a'), configMap('a', { data: { v: 'second' } })));
        expect(err).toBeInstanceOf(AlreadyExistsError);
        expect((err as AlreadyExistsError).target.name).toBe('a');
        expect(await store.get(cm('a'))).toEqual(first);
      });

      it('keeps fields it does not know about', async () => {
        const obj = { ...configMap('a'), spec: { nested: [{ x: 1 }, null, 'y'] }, extra: true };
        const created = await store.create(cm('a'), obj);
        expect(created.spec).toEqual({ nested: [{ x: 1 }, null, 'y'] });
        expect(created.extra).toBe(true);
      });
    });

    describe('compare-and-swap', () => {
      it('a stale update or delete fails with ConflictError and changes nothing', async () => {
        const v1 = await store.create(cm('a'), configMap('a', { data: { v: '1' } }));
        const v2 = await store.update(cm('a'), { ...v1, data: { v: '2' } }, v1.metadata.resourceVersion!);
        expect(
          await rejection(store.update(cm('a'), { ...v1, data: { v: 'stale' } }, v1.metadata.resourceVersion!)),
        ).toBeInstanceOf(ConflictError);
        expect(await rejection(store.delete(cm('a'), v1.metadata.resourceVersion))).toBeInstanceOf(ConflictError);
        expect(await store.get(cm('a'))).toEqual(v2);
      });

      it('concurrent read-modify-write writers retrying on Conflict lose no update', async () => {
        await store.create(cm('counter'), configMap('counter', { data: { n: '0' } }));
        const writers = 6;
        const incrementsEach = 8;
        let conflicts = 0;
        const increment = async () => {
          for (;;) {
            const current = await store.get(cm('counter'));
            const n = Number((current.data as Record<string, string>).n);
            try {
              await store.update(
                cm('counter'),
                { ...current, data: { n: String(n + 1) } },
                current.metadata.resourceVersion!,
              );
              return;
            } catch (err) {
              if (!(err instanceof ConflictError)) throw err;
              conflicts++;
            }
          }
        };
        await Promise.all(
          Array.from({ length: writers }, async () => {
            for (let i = 0; i < incrementsEach; i++) await increment();
          }),
        );
        expect((await store.get(cm('counter'))).data).toEqual({ n: String(writers * incrementsEach) });
        // The writers really did race: otherwise this test proves nothing about CAS.
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('revisions', () => {
      it('grow strictly with every write, across resources and namespaces', async () => {
        const revisions: number[] = [Number(await store.currentRevision())];
        const rv = (o: KubeObject) => revisions.push(Number(o.metadata.resourceVersion));
        const a = await store.create(cm('a', 'ns1'), configMap('a'));
        rv(a);
        rv(await store.create({ resource: 'secrets', namespace: 'ns2', name: 'a' }, configMap('a')));
        rv(await store.create({ resource: 'nodes', name: 'n' }, configMap('n')));
        rv(await store.update(cm('a', 'ns1'), a, a.metadata.resourceVersion!));
        rv(await store.delete({ resource: 'nodes', name: 'n' }));
        for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]);
        expect(Number(await store.currentRevision())).toBe(revisions.at(-1));
      });
    });

    describeWatchConformance(suite);

    describe('list', () => {
      it('of an empty resource reports a revision of at least 1, so a watch from it misses no later write', async () => {
        const list = await store.list('configmaps');
        expect(list.items).toEqual([]);
        // '0' would mean "from now" to watch: a write between list and watch would be lost.
        expect(Number(list.resourceVersion)).toBeGreaterThanOrEqual(1);
        const written = await store.create(cm('between'), configMap('between'));
        const events = await collectUntil(
          store.watch('configmaps', { resourceVersion: list.resourceVersion }),
          written.metadata.resourceVersion!,
        );
        expect(events.map(describeEvent)).toEqual([describeEvent({ type: 'ADDED', object: written })]);
      });

      it('returns every object in key order with the revision to watch from', async () => {
        for (const name of ['c', 'a', 'b']) await store.create(cm(name), configMap(name));
        const list = await store.list('configmaps');
        expect(list.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
        expect(list.resourceVersion).toBe(await store.currentRevision());
        expect(list.continue).toBeUndefined();
      });

      it('pages with limit/continue, every page consistent with the first page revision', async () => {
        const names = Array.from({ length: 23 }, (_, i) => `obj-${String(i).padStart(2, '0')}`);
        for (const n of names) await store.create(cm(n), configMap(n, { data: { v: 'original' } }));
        const full = await store.list('configmaps');
        const pages: KubeObject[][] = [];
        let page = await store.list('configmaps', { limit: 5 });
        pages.push(page.items);
        let round = 0;
        while (page.continue) {
          // Writes between pages: none of them may show up in later pages.
          const victim = names[round * 5 + 7];
          if (victim) {
            const cur = await store.get(cm(victim));
            await store.update(cm(victim), { ...cur, data: { v: 'changed' } }, cur.metadata.resourceVersion!);
          }
          await store.create(cm(`new-${round}`), configMap(`new-${round}`));
          await store.delete(cm(names[(round * 5 + 18) % names.length])).catch((err) => {
            if (!(err instanceof NotFoundError)) throw err;
          });
          round++;
          page = await store.list('configmaps', { limit: 5, continue: page.continue });
          expect(page.resourceVersion).toBe(full.resourceVersion);
          expect(page.items.length).toBeLessThanOrEqual(5);
          pages.push(page.items);
        }
        expect(pages.flat()).toEqual(full.items);
        expect(round).toBeGreaterThan(2);
      });

      it('fails with ExpiredError when a continue token outlived the history', async () => {
        for (const n of ['a', 'b', 'c']) await store.create(cm(n), configMap(n));
        const first = await store.list('configmaps', { limit: 1 });
        await store.create(cm('d'), configMap('d'));
        await fixture.expireHistory();
        expect(await rejection(store.list('configmaps', { limit: 1, continue: first.continue }))).toBeInstanceOf(
          ExpiredError,
        );
      });

      it('rejects a malformed continue token as a bad request', async () => {
        const err = await rejection(store.list('configmaps', { continue: 'not a token' }));
        expect((err as ApiError).reason).toBe('BadRequest');
      });

      it('scopes to a namespace', async () => {
        await store.create(cm('a', 'one'), configMap('a', { namespace: 'one' }));
        await store.create(cm('a', 'two'), configMap('a', { namespace: 'two' }));
        await store.create(cm('b', 'one'), configMap('b', { namespace: 'one' }));
        const inOne = await store.list('configmaps', { namespace: 'one' });
        expect(inOne.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['one/a', 'one/b']);
        expect((await store.list('configmaps', { namespace: 'three' })).items).toEqual([]);
        expect((await store.list('configmaps')).items).toHaveLength(3);
      });

      const labelled: [string, Record<string, string> | undefined][] = [
        ['web-1', { app: 'web', tier: 'a' }],
        ['web-2', { app: 'web', tier: 'b', canary: 'true' }],
        ['db-1', { app: 'db', tier: 'c' }],
        ['bare', undefined],
      ];
      it.each([
        ['app=web', ['web-1', 'web-2']],
        ['app!=web', ['bare', 'db-1']],
        ['tier in (a,c)', ['db-1', 'web-1']],
        ['!canary', ['bare', 'db-1', 'web-1']],
        ['app=web,!canary', ['web-1']],
        ['', ['bare', 'db-1', 'web-1', 'web-2']],
      ])('filters by label selector %j', async (selector, expected) => {
        for (const [name, labels] of labelled) await store.create(cm(name), configMap(name, { labels }));
        expect((await store.list('configmaps', { labelSelector: selector })).items.map((o) => o.metadata.name)).toEqual(
          expected,
        );
        // The same selection, a page of one at a time.
        const paged: string[] = [];
        let token: string | undefined;
        do {
          const page = await store.list('configmaps', { labelSelector: selector, limit: 1, continue: token });
          paged.push(...page.items.map((o) => o.metadata.name));
          token = page.continue;
        } while (token);
        expect(paged).toEqual(expected);
      });
    });

    describe('copy-in/copy-out isolation', () => {
      it('no mutation of an input, a result, a list item or a watch event reaches stored state', async () => {
        const start = await store.currentRevision();
        const input = configMap('a', { labels: { app: 'web' }, data: { v: '1' } });
        const created = await store.create(cm('a'), input);
        const snapshot = structuredClone(created);

        (input.data as Record<string, string>).v = 'mutated input';
        input.metadata.labels!.app = 'mutated';
        (created.data as Record<string, string>).v = 'mutated result';
        (await store.get(cm('a'))).metadata.name = 'mutated get';
        (await store.list('configmaps')).items[0].metadata.labels!.app = 'mutated list';
        const [event] = await collectUntil(
          store.watch('configmaps', { resourceVersion: start }),
          snapshot.metadata.resourceVersion!,
        );
        (event.object.data as Record<string, string>).v = 'mutated event';

        expect(await store.get(cm('a'))).toEqual(snapshot);
        expect((await store.list('configmaps', { labelSelector: 'app=web' })).items).toEqual([snapshot]);
        const [again] = await collectUntil(
          store.watch('configmaps', { resourceVersion: start }),
          snapshot.metadata.resourceVersion!,
        );
        expect(again.object).toEqual(snapshot);
      });

      it('a handed-over object: results, reads and events stay separate from it; a failed write leaves it alone', async () => {
        const start = await store.currentRevision();
        const first = await store.create(cm('a'), configMap('a', { data: { v: '1' } }), { handOver: true });
        const next = configMap('a', { data: { v: '2' } });
        const updated = await store.update(cm('a'), next, first.metadata.resourceVersion!, { handOver: true });
        const snapshot = structuredClone(updated);
        (updated.data as Record<string, string>).v = 'mutated result';
        (await store.get(cm('a'))).metadata.name = 'mutated get';
        const events = await collectUntil(
          store.watch('configmaps', { resourceVersion: start }),
          snapshot.metadata.resourceVersion!,
        );
        (events[1].object.data as Record<string, string>).v = 'mutated event';
        expect(await store.get(cm('a'))).toEqual(snapshot);

        const refused = configMap('a', { data: { v: 'refused' } });
        const before = structuredClone(refused);
        expect(await rejection(store.create(cm('a'), refused, { handOver: true }))).toBeInstanceOf(AlreadyExistsError);
        expect(
          await rejection(store.update(cm('a'), refused, first.metadata.resourceVersion!, { handOver: true })),
        ).toBeInstanceOf(ConflictError);
        expect(refused).toEqual(before);
        expect(await store.get(cm('a'))).toEqual(snapshot);
      });
    });
  });
}
