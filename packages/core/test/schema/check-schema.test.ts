import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../src/errors/index.js';
import { createBuiltinRegistry } from '../../src/registry/index.js';
import { builtinSchemas } from '../../src/schema/builtin-schemas.js';
import { checkSchema } from '../../src/schema/check-schema.js';
import { bool, int32, int64, intOrString, list, obj, quantity, str, stringMap } from '../../src/schema/field-schema.js';
import { objectSchema } from '../../src/schema/meta-schema.js';
import { objectSchemaErrors } from '../../src/schema/object-schema-errors.js';
import { fitsSchema } from '../../src/schema/schema-fit.js';
import { MAX_LISTED_ERRORS } from '../../src/validation/listed-errors.js';

const schema = obj({
  name: str,
  replicas: int32,
  generation: int64,
  paused: bool,
  labels: stringMap,
  ports: list(obj({ name: str, port: int32, targetPort: intOrString })),
  requests: { type: 'object', additionalProperties: quantity },
  nested: obj({ list: list(list(str)) }),
});

function errorsOf(value: unknown): string[] {
  const errors: FieldError[] = [];
  checkSchema(value, schema, '', errors);
  return errors.map((e) => `${e.field}: ${e.message}`);
}

describe('checkSchema', () => {
  it.each([
    { value: { name: 5 }, errors: ['name: Invalid value: 5: must be a string'] },
    { value: { labels: 'abc' }, errors: ['labels: Invalid value: "string": must be a map'] },
    { value: { labels: { app: 1, ok: 'x' } }, errors: ['labels[app]: Invalid value: 1: must be a string'] },
    { value: { labels: ['a'] }, errors: ['labels: Invalid value: "array": must be a map'] },
    { value: { ports: 'x' }, errors: ['ports: Invalid value: "string": must be a list'] },
    { value: { ports: [{ name: 5 }] }, errors: ['ports[0].name: Invalid value: 5: must be a string'] },
    { value: { ports: [null] }, errors: ['ports[0]: Invalid value: "null": must be an object'] },
    {
      value: { ports: [{ targetPort: true }] },
      errors: ['ports[0].targetPort: Invalid value: "boolean": must be an integer or a string'],
    },
    {
      value: { ports: [{ targetPort: 1.5 }] },
      errors: ['ports[0].targetPort: Invalid value: 1.5: must be an integer or a string'],
    },
    { value: { replicas: 2 ** 31 }, errors: ['replicas: Invalid value: 2147483648: must be a 32-bit integer'] },
    { value: { replicas: -(2 ** 31) }, errors: [] },
    { value: { replicas: 1.5 }, errors: ['replicas: Invalid value: 1.5: must be a 32-bit integer'] },
    { value: { generation: 2 ** 53 }, errors: ['generation: Invalid value: 9007199254740992: must be an integer'] },
    { value: { paused: 'true' }, errors: ['paused: Invalid value: "string": must be a boolean'] },
    { value: { requests: { cpu: '100m', memory: 1024 } }, errors: [] },
    {
      value: { requests: { cpu: false } },
      errors: ['requests[cpu]: Invalid value: "boolean": must be a quantity (a string or a number)'],
    },
    {
      value: { nested: { list: [['a'], 'b', [1]] } },
      errors: [
        'nested.list[1]: Invalid value: "string": must be a list',
        'nested.list[2][0]: Invalid value: 1: must be a string',
      ],
    },
    { value: { unknown: { anything: [1n] }, name: 'x' }, errors: [] },
    {
      value: { name: 1, replicas: 'x', labels: 0 },
      errors: [
        'name: Invalid value: 1: must be a string',
        'replicas: Invalid value: "string": must be a 32-bit integer',
        'labels: Invalid value: 0: must be a map',
      ],
    },
  ])('$value -> $errors', ({ value, errors }) => {
    expect(errorsOf(value)).toEqual(errors);
  });

  it('removes known members set to null (Kubernetes decodes null as unset) and keeps unknown ones', () => {
    const value = { name: null, labels: null, ports: [{ name: null, port: 80 }], other: null };
    expect(errorsOf(value)).toEqual([]);
    expect(value).toEqual({ ports: [{ port: 80 }], other: null });
  });

  it('stops after MAX_LISTED_ERRORS wrong-typed fields', () => {
    const labels = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const listed = errorsOf({ labels, ports: 'x' });
    expect(listed).toHaveLength(MAX_LISTED_ERRORS);
    expect(listed[MAX_LISTED_ERRORS - 1]).toBe(
      `labels[k${MAX_LISTED_ERRORS - 1}]: Invalid value: ${MAX_LISTED_ERRORS - 1}: must be a string`,
    );
    const all = objectSchemaErrors({ metadata: { labels } }, builtinSchemas.Pod);
    expect(all).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(all.at(-1)).toEqual({
      field: '<body>',
      message: `Too many: the first ${MAX_LISTED_ERRORS} wrong-typed fields are listed, the rest were not checked`,
    });
  });
});

describe('objectSchemaErrors', () => {
  it.each([
    {
      kind: 'Pod',
      obj: { metadata: { finalizers: 'x' } },
      errors: ['metadata.finalizers: Invalid value: "string": must be a list'],
    },
    {
      kind: 'Pod',
      obj: { metadata: { ownerReferences: 'x' } },
      errors: ['metadata.ownerReferences: Invalid value: "string": must be a list'],
    },
    { kind: 'Pod', obj: { spec: 'hello' }, errors: ['spec: Invalid value: "string": must be an object'] },
    {
      kind: 'Service',
      obj: { spec: { ports: [{ name: 5, port: 80 }] } },
      errors: ['spec.ports[0].name: Invalid value: 5: must be a string'],
    },
    {
      kind: 'Service',
      obj: { spec: { selector: false } },
      errors: ['spec.selector: Invalid value: "boolean": must be a map'],
    },
    { kind: 'ConfigMap', obj: { data: 42 }, errors: ['data: Invalid value: 42: must be a map'] },
    {
      kind: 'Pod',
      obj: { kind: 1, metadata: 'm', spec: { containers: {} } },
      errors: [
        'kind: Invalid value: 1: must be a string',
        'metadata: Invalid value: "string": must be an object',
        'spec.containers: Invalid value: "object": must be a list',
      ],
    },
    {
      kind: 'Deployment',
      obj: {
        spec: { template: { metadata: { labels: 'a' }, spec: { containers: [{ ports: [{ containerPort: '80' }] }] } } },
      },
      errors: [
        'spec.template.metadata.labels: Invalid value: "string": must be a map',
        'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: "string": must be a 32-bit integer',
      ],
    },
  ])('$kind $obj -> $errors', ({ kind, obj: value, errors }) => {
    expect(objectSchemaErrors(value, builtinSchemas[kind]).map((e) => `${e.field}: ${e.message}`)).toEqual(errors);
  });
});

describe('fitsSchema (the compiled fast path)', () => {
  const podLike = fc.record(
    {
      metadata: fc.record(
        { name: fc.jsonValue({ maxDepth: 1 }), labels: fc.jsonValue({ maxDepth: 1 }) },
        { requiredKeys: [] },
      ),
      spec: fc.record(
        {
          containers: fc.oneof(
            fc.array(
              fc.record({
                name: fc.jsonValue({ maxDepth: 0 }),
                ports: fc.array(fc.record({ containerPort: fc.jsonValue({ maxDepth: 0 }) })),
              }),
              { maxLength: 3 },
            ),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          priority: fc.oneof(
            fc.integer(),
            fc.constantFrom(2 ** 31, -(2 ** 31) - 1),
            fc.double(),
            fc.jsonValue({ maxDepth: 0 }),
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );

  it.each([
    ['objectSchema', objectSchema],
    ['Pod', builtinSchemas.Pod!],
    ['CustomResourceDefinition (a schema that contains itself)', builtinSchemas.CustomResourceDefinition!],
  ])('agrees with checkSchema on %s: a value fits exactly when no field is wrong-typed', (_name, schema) => {
    fc.assert(
      fc.property(fc.oneof(podLike, fc.jsonValue({ maxDepth: 4 })), (value) => {
        const errors: FieldError[] = [];
        checkSchema(structuredClone(value), schema, '', errors);
        expect(fitsSchema(structuredClone(value), schema)).toBe(errors.length === 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('builtinSchemas', () => {
  it('has a schema for every built-in kind (add one in src/schema/ with a new kind: defaulting and validation rely on it)', () => {
    expect(
      createBuiltinRegistry()
        .all()
        .filter((t) => !t.schema)
        .map((t) => t.kind),
    ).toEqual([]);
  });
});
