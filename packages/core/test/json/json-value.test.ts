import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson, jsonEqual, jsonSizeBound } from '../../src/json/index.js';
import { jsonSizeWithin } from '../../src/json/json-size-within.js';

const jsonValue = fc.jsonValue();
// Built once while the file loads, outside any test's timeout: fast-check builds its table of every code
// point on the first `unit: 'binary'` string arbitrary, which took 5-14 s on a loaded 2-core machine.
const anyString = fc.string({ unit: 'binary' });

describe('JSON values', () => {
  it('jsonSizeBound is never below the UTF-8 size of JSON.stringify', () => {
    fc.assert(
      fc.property(fc.oneof(jsonValue, anyString, fc.double()), (value) => {
        expect(jsonSizeBound(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value) ?? ''));
      }),
    );
  });

  it('jsonSizeWithin says an object fits only when its UTF-8 JSON does, whatever its strings hold', () => {
    const withStrings = fc.dictionary(anyString, fc.oneof(jsonValue, anyString, fc.array(anyString)));
    fc.assert(
      fc.property(withStrings, fc.integer({ min: -8, max: 8 }), (value, slack) => {
        const limit = Buffer.byteLength(JSON.stringify(value)) + slack;
        if (jsonSizeWithin(value, limit)) expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThanOrEqual(limit);
      }),
    );
  });

  it('jsonSizeWithin knows a big map of plain text fits a limit one byte per member above its size', () => {
    const map: Record<string, string> = {};
    for (let i = 0; i < 4000; i++) map[`example.com/r${i}`] = 'x'.repeat(i % 50);
    const bytes = Buffer.byteLength(JSON.stringify(map));
    expect(jsonSizeBound(map)).toBeGreaterThan(bytes + 4000);
    expect(jsonSizeWithin(map, bytes + 4000)).toBe(true);
    expect(jsonSizeWithin(map, bytes - 1)).toBe(false);
  });

  it.each([
    ['quotes and backslashes', '"\\'],
    ['control characters', '\n\u0001'],
    ['two-byte UTF-8', 'é'],
    ['three-byte UTF-8', '中'],
    ['surrogate pairs', '😀'],
    ['lone surrogates', '\ud800'],
  ])('jsonSizeWithin never says an object of %s fits one byte below its size', (_, text) => {
    const value = { a: text.repeat(2000), b: [text.repeat(1000)] };
    const bytes = Buffer.byteLength(JSON.stringify(value));
    expect(jsonSizeWithin(value, bytes - 1)).toBe(false);
  });

  it('cloneJson makes an equal copy that shares nothing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), jsonValue), (value) => {
        const copy = cloneJson(value);
        expect(copy).toEqual(value);
        expect(jsonEqual(copy, value)).toBe(true);
        copy.__added = 1;
        expect('__added' in value).toBe(false);
      }),
    );
  });

  it('jsonEqual is symmetric, true for equal serializations, and false after any change to a copy', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        expect(jsonEqual(a, b)).toBe(jsonEqual(b, a));
        if (JSON.stringify(a) === JSON.stringify(b)) expect(jsonEqual(a, b)).toBe(true);
        expect(jsonEqual({ v: a }, { v: cloneJson(a), extra: 0 })).toBe(false);
        expect(jsonEqual([a], [a, null])).toBe(false);
      }),
    );
  });

  it.each([
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: {} }, { a: [] }, false],
    [null, {}, false],
    [{ x: { y: 'z' } }, { x: { y: 'z' } }, true],
  ])('jsonEqual(%j, %j) is %s', (a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
    expect(jsonEqual(b, a)).toBe(expected);
  });
});
