import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../src/conformance/index.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { WatchEvent } from '../../src/store/store.js';

describe('MemoryStore with shared leaves', () => {
  describeStoreConformance('MemoryStore (shareLeaves)', async () => {
    const store = new MemoryStore({ historyLimit: 1000, shareLeaves: true });
    return {
      store,
      async expireHistory() {
        for (let i = 0; i <= 1000; i++) {
          await store.create(
            { resource: 'fillers', name: `f${i}` },
            { apiVersion: 'v1', kind: 'Filler', metadata: { name: `f${i}` } },
          );
        }
      },
      async close() {
        await store.close();
      },
    };
  });
});

const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });
const pod = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'web' }, annotations: {} },
  spec,
});
const template = () => ({
  containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
  tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ],
});

/** The store's own objects, as a shared watcher sees them (one event per write). */
async function storedObjects(store: MemoryStore, write: () => Promise<void>): Promise<KubeObject[]> {
  const seen: WatchEvent[] = [];
  const sub = store.watch('pods', { shared: true }).subscribe((e) => seen.push(e));
  await write();
  sub.unsubscribe();
  return seen.map((e) => e.object);
}

describe('SharedLeaves in MemoryStore', () => {
  it('keeps equal leaves of different objects once, frozen, and hands out equal copies', async () => {
    const store = new MemoryStore({ shareLeaves: true });
    const [a, b] = await storedObjects(store, async () => {
      await store.create(key('a'), pod('a', template()));
      await store.create(key('b'), pod('b', template()));
    });
    const spec = (o: KubeObject) => o.spec as ReturnType<typeof template>;
    expect(spec(b).tolerations).toBe(spec(a).tolerations);
    expect(spec(b).containers[0].resources).toBe(spec(a).containers[0].resources);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect(Object.isFrozen(spec(a).tolerations[0])).toBe(true);
    const copy = await store.get(key('b'));
    expect(copy.spec).toEqual(template());
    expect(Object.isFrozen((copy.spec as ReturnType<typeof template>).tolerations)).toBe(false);
  });

  it('shares a leaf between an object state and the state before it', async () => {
    const store = new MemoryStore({ shareLeaves: true });
    const [before, after] = await storedObjects(store, async () => {
      const created = await store.create(key('a'), pod('a', template()));
      await store.update(
        key('a'),
        { ...pod('a', template()), status: { phase: 'Running' } },
        created.metadata.resourceVersion!,
      );
    });
    expect((after.spec as ReturnType<typeof template>).containers).toBe(
      (before.spec as ReturnType<typeof template>).containers,
    );
  });

  it.each([
    { name: 'an undefined member and a missing one', x: { a: undefined }, y: {} },
    { name: '-0 and 0', x: { n: -0 }, y: { n: 0 } },
    { name: 'NaN and null', x: { n: Number.NaN }, y: { n: null } },
    { name: 'the same members in another order', x: { a: 1, b: 2 }, y: { b: 2, a: 1 } },
  ])('does not merge leaves whose JSON text is alike but whose values differ: $name', async ({ x, y }) => {
    const store = new MemoryStore({ shareLeaves: true });
    const [a, b] = await storedObjects(store, async () => {
      await store.create(key('a'), pod('a', { x }));
      await store.create(key('b'), pod('b', { x: y }));
    });
    expect((b.spec as { x: unknown }).x).not.toBe((a.spec as { x: unknown }).x);
    expect((await store.get(key('a'))).spec).toStrictEqual({ x });
    expect((await store.get(key('b'))).spec).toEqual({ x: y });
  });

  it('reads back every object as written, whatever its members (property)', async () => {
    const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<unknown>;
    await fc.assert(
      fc.asyncProperty(fc.array(json, { minLength: 1, maxLength: 6 }), async (specs) => {
        const shared = new MemoryStore({ shareLeaves: true });
        for (const [i, spec] of specs.entries()) await shared.create(key(`p${i}`), pod(`p${i}`, { v: spec }));
        for (const [i, spec] of specs.entries()) {
          const got = await shared.get(key(`p${i}`));
          expect(got.spec).toStrictEqual({ v: spec });
        }
      }),
      { numRuns: 200 },
    );
  });
});
