import fc from 'fast-check';
import type { FieldSchema } from '../../../src/schema/index.js';

/** A path into an object: member names and list indexes. */
export type FieldPath = readonly (string | number)[];

/** Paths stop this deep: the one recursive schema (a CRD's JSONSchemaProps) would go on forever. */
const MAX_PATH_LENGTH = 14;

/** Every path a schema knows, down to its leaves: `[spec, ports, 0, name]`; maps get the key `k`. */
export function schemaPaths(schema: FieldSchema, prefix: FieldPath = []): FieldPath[] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (prefix.length >= MAX_PATH_LENGTH) return here;
  if (schema.type === 'array') return [...here, ...schemaPaths(schema.items, [...prefix, 0])];
  if (schema.type !== 'object') return here;
  const nested = schema.additionalProperties
    ? schemaPaths(schema.additionalProperties, [...prefix, 'k'])
    : Object.entries(schema.properties ?? {}).flatMap(([key, field]) => schemaPaths(field, [...prefix, key]));
  return [...here, ...nested];
}

/** A copy of `base` with `value` at `path`, creating the containers on the way. */
export function withValueAt(base: Record<string, unknown>, path: FieldPath, value: unknown): Record<string, unknown> {
  const root = structuredClone(base);
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const wantArray = typeof path[i + 1] === 'number';
    const next = node[key];
    const fits = wantArray ? Array.isArray(next) : next !== null && typeof next === 'object' && !Array.isArray(next);
    if (!fits) node[key] = wantArray ? [] : {};
    node = node[key] as Record<string | number, unknown>;
    if (wantArray && (node[0] === null || typeof node[0] !== 'object')) node[0] = {};
  }
  node[path[path.length - 1]!] = value;
  return root;
}

/** `{spec: {ports: [{name: value}]}}`: a merge patch setting `value` at `path`. */
export function patchAt(path: FieldPath, value: unknown): Record<string, unknown> {
  return withValueAt({}, path, value);
}

/** Nested `{a: {a: ...}}`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** Built once: every case that picks them shares the same instance (the Api must never change its input). */
const TWO_MIB = 'x'.repeat(2 * 1024 * 1024);
const DEEP = [nested(999), nested(1000), nested(1001), nested(8000)];

function cyclic(): unknown {
  const obj: Record<string, unknown> = { a: 1 };
  obj.self = obj;
  return { wrap: [obj] };
}

/** Objects whose keys try to reach a prototype, as JSON.parse and literals build them. */
const prototypeKeys = [
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  { constructor: { prototype: { polluted: 'yes' } } },
  JSON.parse('{"a": {"__proto__": {"toString": "x"}}, "__proto__": []}'),
];

/** Strings from every Unicode plane, lone surrogates included. */
const unicode = fc.string({ unit: 'binary', maxLength: 40 });

/**
 * Values a hostile or buggy caller might put anywhere: arbitrary JSON, every
 * non-JSON value JavaScript has, numbers outside every range, huge strings,
 * deep nesting, cycles and prototype keys.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 6 },
  { arbitrary: unicode, weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, '', 'x', [], {}), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53,
      Number.MAX_VALUE,
      -0,
      1.5,
      1e-300,
    ),
    weight: 2,
  },
  { arbitrary: fc.bigInt(), weight: 1 },
  {
    arbitrary: fc.constantFrom<unknown>(
      undefined,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Map([['a', 1]]),
      new Set([1]),
      /re/,
      new Uint8Array(2),
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(TWO_MIB, { k: TWO_MIB }, [TWO_MIB]), weight: 1 },
  { arbitrary: fc.constantFrom(...DEEP), weight: 1 },
  { arbitrary: fc.constant(null).map(cyclic), weight: 1 },
  { arbitrary: fc.constantFrom(...prototypeKeys), weight: 2 },
  {
    arbitrary: fc.dictionary(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'app'), unicode),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    weight: 1,
  },
);
