import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson, jsonSizeBound, MAX_JSON_DEPTH, shareJson } from '../../src/json/index.js';
import { copyJsonInput } from '../../src/json/json-input.js';
import { jsonFootprint } from '../../src/store/json-footprint.js';

/** A managedFields-shaped object whose `fieldsV1` is `tree`. */
function holding(tree: unknown): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: tree }] },
    spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '1' }] }] },
  };
}

/** An object holding `tree` in its spec, where big objects' members count weighted against the budget. */
function inSpec(tree: unknown): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name: 't' }, spec: { template: tree, n: 1 } };
}

/** Where a tree can be held: in managedFields (members unweighted), in the spec (weighted). */
const holders = fc.constantFrom(holding, inSpec);

/** `{f:0: {f:1: ... {}}}`, `levels` containers deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { [`f:${i}`]: value };
  return value;
}

function fieldsOf(holder: Record<string, unknown>): unknown {
  const meta = holder.metadata as { managedFields: { fieldsV1: unknown }[] };
  return meta.managedFields[0]!.fieldsV1;
}

const key = fc.string({ maxLength: 6 });
/** Small trees, and big ones whose members past the 16th count weighted outside managedFields. */
const jsonObject = fc.oneof(
  fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 24 }),
  fc.dictionary(key, fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { minKeys: 17, maxKeys: 30 }), {
    minKeys: 1,
    maxKeys: 3,
  }),
);

describe('shareJson', () => {
  it('freezes the tree deeply and returns it', () => {
    const tree = { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {} } } }, list: [{ a: 1 }] };
    expect(shareJson(tree)).toBe(tree);
    expect(Object.isFrozen(tree['f:spec']['f:containers']['k:{"name":"c"}']['.'])).toBe(true);
    expect(Object.isFrozen(tree.list[0])).toBe(true);
  });

  it.each([
    { what: 'a Date', tree: { at: new Date(0) } },
    { what: 'NaN', tree: { n: Number.NaN } },
    { what: 'a function', tree: { f: () => 1 } },
    { what: 'undefined', tree: { u: undefined } },
    { what: 'a sparse array', tree: { l: new Array(3) } },
    { what: 'too deep a tree', tree: nested(MAX_JSON_DEPTH + 1) },
  ])('refuses $what with a TypeError', ({ tree }) => {
    expect(() => shareJson(tree)).toThrow(TypeError);
  });

  it('is kept, not copied, by cloneJson below the root; the root is always a copy', () => {
    const tree = shareJson({ 'f:metadata': { 'f:labels': { 'f:app': {} } } });
    const holder = holding(tree);
    const copy = cloneJson(holder);
    expect(copy).toEqual(holder);
    expect(copy.metadata).not.toBe(holder.metadata);
    expect(fieldsOf(copy)).toBe(tree);
    const root = cloneJson(tree);
    expect(root).toEqual(tree);
    expect(root).not.toBe(tree);
    expect(Object.isFrozen(root)).toBe(false);
  });

  it('is kept by the input copy, which counts it as if it walked it', () => {
    const tree = shareJson(nested(6));
    const holder = holding(tree);
    const result = copyJsonInput(holder, 1 << 20, 1000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(fieldsOf(result.value as Record<string, unknown>)).toBe(tree);
    expect(result.value).not.toBe(holder);
  });

  it('gives every walk the answer it gives for an unshared copy of the tree (budgets, sizes, copies)', () => {
    fc.assert(
      fc.property(
        jsonObject,
        holders,
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 200 }),
        (tree, hold, maxBytes, maxEntries) => {
          const plain = hold(structuredClone(tree));
          const shared = hold(shareJson(structuredClone(tree)));
          const a = copyJsonInput(plain, maxBytes, maxEntries);
          const b = copyJsonInput(shared, maxBytes, maxEntries);
          expect(b).toEqual(a);
          expect(jsonSizeBound(shared)).toBe(jsonSizeBound(plain));
          expect(jsonFootprint(shared)).toBe(jsonFootprint(plain));
          expect(cloneJson(shared)).toEqual(cloneJson(plain));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts exactly what a walk counts: the least entry and byte budgets that take it are the same', () => {
    /** The least budget in [0, 1e6] that `fits` takes (fitting is monotone in the budget). */
    const least = (fits: (budget: number) => boolean) => {
      let [lo, hi] = [0, 1_000_000];
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (fits(mid)) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    fc.assert(
      fc.property(jsonObject, holders, (tree, hold) => {
        const plain = hold(structuredClone(tree));
        const shared = hold(shareJson(structuredClone(tree)));
        const entries = (obj: unknown) => least((max) => copyJsonInput(obj, 1 << 30, max).ok);
        const bytes = (obj: unknown) => least((max) => copyJsonInput(obj, max).ok);
        expect(entries(shared)).toBe(entries(plain));
        expect(bytes(shared)).toBe(bytes(plain));
      }),
      { numRuns: 100 },
    );
  });

  it('is walked where it does not fit the depth left, and refused there', () => {
    const tree = shareJson(nested(MAX_JSON_DEPTH - 2));
    const result = copyJsonInput({ metadata: { managedFields: [{ fieldsV1: tree }] } }, 1 << 20);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.reason).toBe('invalid');
    expect(result.problem).toMatchObject({ path: expect.stringMatching(/^metadata\.managedFields\[0\]\.fieldsV1\./) });
  });
});
