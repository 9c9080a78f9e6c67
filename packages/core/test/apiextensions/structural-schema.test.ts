import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import {
  applySchemaDefaults,
  pruneUnknownFields,
  validateAgainstSchema,
} from '../../src/apiextensions/structural-schema.js';
import { InvalidError } from '../../src/errors/api-errors.js';
import type { JSONSchemaProps } from '../../src/model/apiextensions-v1.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { cronTabSchema } from './fixtures.js';

const specKeys = new Set(Object.keys(cronTabSchema.properties?.spec?.properties ?? {}));

describe('structural schema pruning and defaulting', () => {
  it.each<[string, Record<string, unknown>, string[], Record<string, unknown>]>([
    ['an unknown root field', { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, extra: 1 }, ['extra'], {}],
    ['an unknown metadata field', { metadata: { name: 'a', bogus: true } }, ['metadata.bogus'], {}],
    ['an unknown spec field', { spec: { cronSpec: 'x', typo: 1 } }, ['spec.typo'], { cronSpec: 'x' }],
    [
      'an unknown field inside array items',
      { spec: { containers: [{ name: 'a', extra: 1 }] } },
      ['spec.containers[0].extra'],
      { containers: [{ name: 'a' }] },
    ],
    [
      'nothing under preserve-unknown-fields',
      { spec: { config: { any: { deep: 1 } } } },
      [],
      { config: { any: { deep: 1 } } },
    ],
    ['nothing under additionalProperties', { spec: { labels: { a: 'b' } } }, [], { labels: { a: 'b' } }],
  ])('prunes %s', (_, obj, removed, spec) => {
    const copy = structuredClone(obj);
    expect(pruneUnknownFields(copy, cronTabSchema)).toEqual(removed);
    if (obj.spec) expect(copy.spec).toEqual(spec);
  });

  it('prunes to a fixed point, keeping only what the schema specifies (a property over random specs)', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const spec = fc.dictionary(fc.constantFrom(...specKeys, 'typo', 'other'), value, { maxKeys: 8 });
    fc.assert(
      fc.property(spec, (s) => {
        const obj: Record<string, unknown> = { apiVersion: 'v1', kind: 'CronTab', metadata: { name: 'a' }, spec: s };
        pruneUnknownFields(obj, cronTabSchema);
        expect(pruneUnknownFields(structuredClone(obj), cronTabSchema)).toEqual([]);
        const left = obj.spec as Record<string, unknown> | null;
        if (left && typeof left === 'object' && !Array.isArray(left)) {
          for (const k of Object.keys(left)) expect(specKeys.has(k)).toBe(true);
        }
      }),
    );
  });

  it('fills defaults at every level, nested array items included, each a copy of its own', () => {
    const obj = { spec: { cronSpec: '* * * * *', containers: [{ name: 'a' }, { name: 'b' }] } };
    applySchemaDefaults(obj, cronTabSchema);
    expect(obj.spec).toMatchObject({ replicas: 1, suspend: false });
    expect(obj.spec.containers).toEqual([
      { name: 'a', pullPolicy: 'IfNotPresent' },
      { name: 'b', pullPolicy: 'IfNotPresent' },
    ]);
    expect(validateAgainstSchema(obj, cronTabSchema)).toEqual([]);
    const shared = { type: 'object' as const, properties: { a: { type: 'object' as const, default: { x: 1 } } } };
    const [first, second] = [{}, {}] as Record<string, { x: number }>[];
    applySchemaDefaults(first, shared);
    applySchemaDefaults(second, shared);
    first!.a!.x = 2;
    expect(second!.a).toEqual({ x: 1 });
  });

  it('reports null for a non-nullable field, accepts it for a nullable one', () => {
    expect(validateAgainstSchema({ spec: { cronSpec: '* * * * *', image: null } }, cronTabSchema)).toEqual([
      { field: 'spec.image', message: 'Invalid value: "null": spec.image in body must be of type string: "null"' },
    ]);
    const nullable = { type: 'object' as const, properties: { a: { type: 'string' as const, nullable: true } } };
    expect(validateAgainstSchema({ a: null }, nullable)).toEqual([]);
  });
});

describe('a CRD schema must be structural', () => {
  const withSchema = (spec: JSONSchemaProps) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec } } },
        },
      ],
    },
  });
  const root = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]';
  it.each<[string, JSONSchemaProps, string[]]>([
    ['a typed schema', { type: 'object', properties: { size: { type: 'integer', default: 1 } } }, []],
    [
      'an int-or-string needs no type',
      { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } },
      [],
    ],
    [
      'a field without type',
      { type: 'object', properties: { size: { minimum: 1 } } },
      [`${root}.properties[size].type: Required value: must not be empty for specified object fields`],
    ],
    [
      'array items without type',
      { type: 'object', properties: { tags: { type: 'array', items: {} } } },
      [`${root}.properties[tags].items.type: Required value: must not be empty for specified array items`],
    ],
    [
      'properties beside additionalProperties',
      { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
      [`${root}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
    ],
    [
      'a default of the wrong type',
      { type: 'object', properties: { size: { type: 'integer', default: 'one' } } },
      [`${root}.properties[size].default: Invalid value: "one": default: Invalid value: "string"`],
    ],
  ])('%s', async (_, spec, expected) => {
    const api = new Api({ store: new MemoryStore() });
    const err = await api.apply(withSchema(spec) as KubeObject).then(
      () => undefined,
      (e: unknown) => e,
    );
    const fields = err instanceof InvalidError ? err.fields.map((f) => `${f.field}: ${f.message}`) : [];
    expect(fields).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(fields[i]).toContain(prefix);
    await api.close();
  });
});
