import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../src/api/merge-patch.js';
import { BadRequestError } from '../../src/errors/index.js';
import { cloneJson, jsonEqual, jsonSizeBound, MAX_JSON_DEPTH } from '../../src/json/index.js';
import { copyJsonInput } from '../../src/json/json-input.js';

/** `{a: {a: ... {}}}`, `levels` containers deep. */
function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

function cyclic(): unknown {
  const inner: Record<string, unknown> = { name: 'x' };
  inner.back = inner;
  return { spec: { items: [inner] } };
}

describe('copyJsonInput', () => {
  it.each([
    { what: 'a BigInt', input: { spec: { n: 10n } }, path: 'spec.n', shown: 'bigint' },
    { what: 'NaN', input: { spec: { list: [1, Number.NaN] } }, path: 'spec.list[1]', shown: 'NaN' },
    {
      what: 'Infinity',
      input: { metadata: { generation: Number.POSITIVE_INFINITY } },
      path: 'metadata.generation',
      shown: 'Infinity',
    },
    { what: 'a function', input: { f: () => 1 }, path: 'f', shown: 'function' },
    { what: 'a symbol', input: { s: Symbol('s') }, path: 's', shown: 'symbol' },
    { what: 'undefined in a list', input: { l: [undefined] }, path: 'l[0]', shown: 'undefined' },
    {
      what: 'a Date',
      input: { metadata: { creationTimestamp: new Date(0) } },
      path: 'metadata.creationTimestamp',
      shown: 'Date',
    },
    { what: 'a Map', input: { data: new Map() }, path: 'data', shown: 'Map' },
    { what: 'a class instance', input: { x: new (class Point {})() }, path: 'x', shown: 'Point' },
    { what: 'an array subclass', input: { x: new (class Items extends Array {})() }, path: 'x', shown: 'Items' },
    { what: 'a typed array', input: { x: new Uint8Array(1) }, path: 'x', shown: 'Uint8Array' },
    { what: 'a cycle', input: cyclic(), path: 'spec.items[0].back', shown: 'object' },
  ])('refuses $what and names its path', ({ input, path, shown }) => {
    const result = copyJsonInput(input, Number.POSITIVE_INFINITY);
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.problem).toMatchObject({ reason: 'invalid', path, shown });
  });

  it('says what a cycle refers back to', () => {
    const result = copyJsonInput(cyclic(), Number.POSITIVE_INFINITY);
    expect(result.ok ? '' : (result.problem as { detail: string }).detail).toBe(
      'must not refer back to spec.items[0] (a cyclic reference)',
    );
  });

  it.each([
    { levels: MAX_JSON_DEPTH, ok: true },
    { levels: MAX_JSON_DEPTH + 1, ok: false },
    { levels: 8000, ok: false },
    { levels: 100_000, ok: false },
  ])('accepts nesting up to MAX_JSON_DEPTH: $levels levels -> $ok', ({ levels, ok }) => {
    const result = copyJsonInput(nested(levels), Number.POSITIVE_INFINITY);
    expect(result.ok).toBe(ok);
    if (!result.ok)
      expect(result.problem).toMatchObject({ reason: 'invalid', path: expect.stringMatching(/^a\.a\.a/) });
  });

  it('counts serialized bytes and stops at the budget, shared subtrees counted each time', () => {
    let shared: unknown = 'x'.repeat(100);
    for (let i = 0; i < 40; i++) shared = [shared, shared]; // 2^40 strings if serialized
    const result = copyJsonInput({ spec: shared }, 1024 * 1024);
    expect(result.ok ? undefined : result.problem.reason).toBe('tooLarge');
    expect(copyJsonInput({ s: 'x'.repeat(2000) }, 1000)).toMatchObject({ ok: false, problem: { reason: 'tooLarge' } });
  });

  it.each([
    {
      what: 'a map',
      container: (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])),
    },
    { what: 'a list', container: (n: number) => Array.from({ length: n }, () => 'v') },
  ])('stops reading $what of many small members as soon as the budget is passed', ({ container }) => {
    let read = 0;
    const counted = new Proxy(container(100_000), {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && key !== 'length') read++;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(copyJsonInput({ labels: counted }, 1000)).toMatchObject({ ok: false, problem: { reason: 'tooLarge' } });
    // Each member adds at least 4 bytes, so no more than 1000 / 4 members fit before the budget is passed.
    expect(read).toBeLessThanOrEqual(251);
  });

  it('copies plain JSON, drops undefined members and keeps __proto__ as a data member', () => {
    const input = JSON.parse('{"metadata":{"labels":{"__proto__":"x","a":"b"}},"n":[1,null,true]}');
    input.gone = undefined;
    const result = copyJsonInput(input, Number.POSITIVE_INFINITY);
    expect(result.ok).toBe(true);
    const copy = (result.ok ? result.value : {}) as { metadata: { labels: object } };
    expect(copy).not.toBe(input);
    expect(Object.hasOwn(copy, 'gone')).toBe(false);
    expect(Object.getPrototypeOf(copy.metadata.labels)).toBe(Object.prototype);
    expect(Object.keys(copy.metadata.labels)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(input));
    expect(copyJsonInput(Object.create(null), 10)).toMatchObject({ ok: true });
  });

  it('reports a getter or Proxy that throws as a problem, not an exception', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(copyJsonInput({ spec: hostile }, 100)).toMatchObject({
      ok: false,
      problem: { reason: 'invalid', detail: 'could not be read: boom' },
    });
  });
});

describe('recursive JSON walks beyond MAX_JSON_DEPTH', () => {
  const deep = nested(8000);
  it.each([
    ['cloneJson', () => cloneJson(deep)],
    ['jsonSizeBound', () => jsonSizeBound(deep)],
    ['applyMergePatch', () => applyMergePatch({}, deep)],
    ['jsonEqual', () => jsonEqual(deep, nested(8000))],
  ])('%s throws BadRequestError, not a stack overflow', (_name, walk) => {
    expect(walk).toThrow(BadRequestError);
  });
});
