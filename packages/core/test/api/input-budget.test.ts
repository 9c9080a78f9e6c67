import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../src/errors/index.js';
import { copyJsonInput } from '../../src/json/json-input.js';
import { DEFAULT_MAX_INPUT_ENTRIES } from '../../src/json/json-limits.js';
import { bigMap, bigPod, realBigObjects } from './big-inputs.js';
import { newApi, revision } from './fixtures.js';

/** Entries of a JSON value as the budget counts them: every object member and list item, at any depth. */
function entries(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + 1 + entries(item), 0);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((n: number, member) => n + 1 + entries(member), 0);
  }
  return 0;
}

describe('the write budget (maxInputEntries) leaves real big objects accepted', () => {
  it.each(realBigObjects)('$name is stored', async ({ name, kind, body }) => {
    const { api } = newApi();
    const obj = body(name.replaceAll('_', '-').toLowerCase());
    expect(entries(obj)).toBeLessThan(DEFAULT_MAX_INPUT_ENTRIES);
    await expect(api.resource(kind).create(obj as never)).resolves.toMatchObject({ kind });
    await api.close();
  });
});

describe('the write budget counts every object member and list item', () => {
  it.each([
    { what: 'an empty object', value: {}, count: 0 },
    { what: 'members', value: { a: 1, b: 'x', c: null }, count: 3 },
    { what: 'list items', value: { l: [1, 2, 3] }, count: 4 },
    { what: 'nested objects and lists', value: { a: { b: [{ c: [] }, {}] } }, count: 5 },
    { what: 'not undefined members (JSON has none)', value: { a: undefined, b: 1 }, count: 1 },
    { what: 'members of an object past its 16th as 4 each', value: { m: bigMap(66) }, count: 1 + 16 + 200 },
    { what: 'list items alike, however many', value: { l: Array(100).fill(0) }, count: 101 },
  ])('$what: $count', ({ value, count }) => {
    expect(copyJsonInput(value, Number.POSITIVE_INFINITY, count).ok).toBe(true);
    expect(copyJsonInput(value, Number.POSITIVE_INFINITY, count - 1).ok).toBe(count === 0);
  });

  it.each([
    { what: 'a map', value: { spec: { m: bigMap(5) } }, max: 5, path: 'spec.m' },
    { what: 'a list', value: { spec: { l: [1, 2, 3, 4] } }, max: 5, path: 'spec.l' },
    { what: 'the root object', value: { a: 1, b: 2, c: 3 }, max: 2, path: '' },
    { what: 'an object in a list', value: { l: [{ a: 1 }, { a: 1, b: 2 }] }, max: 5, path: 'l[1]' },
  ])('names where the count passes it: $what', ({ value, max, path }) => {
    const result = copyJsonInput(value, Number.POSITIVE_INFINITY, max);
    expect(result.ok ? undefined : result.problem).toEqual({ reason: 'tooManyEntries', path, max });
  });

  it('counts managedFields against their own budget, twice the object budget', () => {
    const withManaged = (fields: number) => ({
      metadata: { name: 'a', managedFields: [{ fieldsV1: bigMap(fields, {}) }] },
      spec: { a: 1 },
    });
    // Outside: metadata, name, managedFields, spec, a (5). Inside: the item, fieldsV1, its members, unweighted
    // however many (a keyed list becomes an object of one member per item there).
    expect(copyJsonInput(withManaged(18), Number.POSITIVE_INFINITY, 10).ok).toBe(true);
    const over = copyJsonInput(withManaged(19), Number.POSITIVE_INFINITY, 10);
    expect(over.ok ? undefined : over.problem).toEqual({
      reason: 'tooManyEntries',
      path: 'metadata.managedFields[0].fieldsV1',
      max: 20,
    });
    // A key named managedFields anywhere else counts as any other.
    const elsewhere = copyJsonInput({ spec: { managedFields: bigMap(12) } }, Number.POSITIVE_INFINITY, 10);
    expect(elsewhere.ok ? undefined : elsewhere.problem).toMatchObject({ path: 'spec.managedFields', max: 10 });
  });
});

describe('new Api({ maxInputEntries })', () => {
  // apiVersion, kind, metadata, name, namespace, labels (6); its members (16, then 4 each); spec, containers, the
  // item, name, image (5).
  const podOf = (labels: number) => bigPod('p', { labels: bigMap(labels) });

  it.each([
    { labels: 34, refusedAt: undefined },
    { labels: 35, refusedAt: 'spec.containers' },
    { labels: 36, refusedAt: 'metadata.labels' },
  ])('with a budget of 100, a pod with $labels labels is refused at $refusedAt', async ({ labels, refusedAt }) => {
    const { api, store } = newApi({ maxInputEntries: 100 });
    const before = await revision(store);
    const outcome = await api
      .resource('Pod')
      .create(podOf(labels) as never)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    if (refusedAt === undefined) expect(outcome).toBeUndefined();
    else {
      expect(outcome).toBeInstanceOf(InvalidError);
      expect((outcome as InvalidError).fields).toEqual([
        {
          field: refusedAt,
          message:
            'Too many: must have at most 100 entries (object members and list items; members of an object past its 16th count 4) in one write (maxInputEntries)',
        },
      ]);
      expect(await revision(store)).toBe(before);
    }
    await api.close();
  });
});
