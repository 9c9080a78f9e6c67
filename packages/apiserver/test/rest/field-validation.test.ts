import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyShapeOf } from '../../src/rest/body-entries.js';
import { duplicateFields, duplicateFieldsOf } from '../../src/rest/duplicate-fields.js';
import { send, servedApi } from '../server/served-api.js';

describe('duplicateFields', () => {
  it.each([
    ['{"a":1,"b":2}', []],
    ['{"a":1,"a":2}', ['a']],
    ['{"spec":{"replicas":1,"replicas":2}}', ['spec.replicas']],
    ['{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}', ['spec.containers[1].name']],
    ['{ "k\\"ey" : "x,}]" , "k\\"ey" : [ 1 , {"z":true,"z":null} ] }', ['k"ey', 'k"ey[1].z']],
    ['[{"a":1},{"a":1}]', []],
  ])('%s -> %j', (text, expected) => {
    expect(duplicateFields(text)).toEqual(expected);
  });
});

describe('duplicateFieldsOf (the walk skipped for a text that re-serializes exactly)', () => {
  it.each([
    ['compact, no duplicates', '{"a":1,"b":{"c":[1,2]}}', []],
    ['compact, a duplicate', '{"a":1,"a":2}', ['a']],
    ['spaced, a duplicate', '{ "a" : 1 , "b" : { "c" : 1 , "c" : 2 } }', ['b.c']],
    ['spaced, no duplicates', '{ "a" : 1 }', []],
  ])('%s', (_name, text, expected) => {
    expect(duplicateFieldsOf(text, JSON.parse(text))).toEqual(expected);
  });

  it('finds what duplicateFields finds, for any JSON text', () => {
    fc.assert(
      fc.property(fc.json(), fc.boolean(), (text, spaced) => {
        const sent = spaced ? JSON.stringify(JSON.parse(text), null, 1) : text;
        expect(duplicateFieldsOf(sent, JSON.parse(sent))).toEqual(duplicateFields(sent));
      }),
    );
  });
});

describe('duplicateFieldsOf with the member count of the shape scan (the walk skipped when the counts agree)', () => {
  const members = (text: string) => bodyShapeOf(text, Number.POSITIVE_INFINITY).members;
  it.each([
    ['no duplicates, spaced', '{ "a" : 1 , "b" : { "c" : [ {"d":1}, {"d":2} ] } }', []],
    ['a duplicate at the top', '{"a":1,"a":2}', ['a']],
    ['a duplicate in a list item', '{"l":[{"x":1},{"y":1,"y":1}]}', ['l[1].y']],
    ['a __proto__ member, once', '{"__proto__":{"a":1},"b":2}', []],
    ['a __proto__ member, twice', '{"__proto__":1,"__proto__":2}', ['__proto__']],
    ['not an object', '[1,"a",null]', []],
  ])('%s', (_name, text, expected) => {
    expect(duplicateFieldsOf(text, JSON.parse(text), members(text))).toEqual(expected);
  });

  /** A JSON text holding, somewhere, an object that names `d` twice. */
  const MARK = '\u0001dup';
  const withDuplicate = fc
    .tuple(fc.jsonValue(), fc.jsonValue(), fc.boolean())
    .map(([a, b, inList]) => JSON.stringify(inList ? [a, MARK, b] : { a, m: MARK, b }))
    .map((text) => text.replace(JSON.stringify(MARK), '{"d":0,"d":1}'));

  it('finds what duplicateFields finds, for any JSON text, with or without a duplicate', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), withDuplicate), fc.boolean(), (text, spaced) => {
        const sent = spaced ? text.replaceAll(',', ' , ').replaceAll(':', ' : ') : text;
        expect(duplicateFieldsOf(sent, JSON.parse(sent), members(sent))).toEqual(duplicateFields(sent));
      }),
    );
  });
});

describe('fieldValidation over HTTP', () => {
  let s: Awaited<ReturnType<typeof servedApi>>;
  beforeEach(async () => {
    s = await servedApi();
  });
  afterEach(async () => {
    await s.close();
  });
  const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","a":"2"}}';
  const post = (validation?: string) =>
    send(s.url, 'POST', `/api/v1/namespaces/default/configmaps${validation ? `?fieldValidation=${validation}` : ''}`, {
      body,
      headers: { 'Content-Type': 'application/json' },
    });

  it('Strict: a 400 naming each duplicate field, and nothing is written', async () => {
    const r = await post('Strict');
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('strict decoding error: duplicate field "data.a"');
    expect((await s.json('GET', '/api/v1/namespaces/default/configmaps/c')).status).toBe(404);
  });

  it('Warn (the default): written with the last value, a Warning header per field', async () => {
    const r = await post();
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBe('299 - "duplicate field \\"data.a\\""');
    expect(r.json.data).toEqual({ a: '2' });
  });

  it('Ignore: written with the last value, no warning', async () => {
    const r = await post('Ignore');
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBeUndefined();
  });

  it('patches are checked too', async () => {
    await post('Ignore');
    const r = await send(s.url, 'PATCH', '/api/v1/namespaces/default/configmaps/c?fieldValidation=Strict', {
      body: '{"data":{"b":"1","b":"2"}}',
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(r.json).toMatchObject({ code: 400, message: 'strict decoding error: duplicate field "data.b"' });
  });
});
