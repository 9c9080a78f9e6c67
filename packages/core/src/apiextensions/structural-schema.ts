import type { FieldError } from '../errors/api-errors.js';
import type { JSONSchemaProps } from '../model/apiextensions-v1.js';
import { invalid, notSupported, required, tooLong, tooMany } from '../validation/field-errors.js';

/**
 * OpenAPI v3 validation of custom resources against a CRD version's
 * structural schema, with Kubernetes' field paths and wording (the
 * apiextensions-apiserver turns kube-openapi's errors into
 * `field.ErrorList`: `Required value`, `Unsupported value`, `Too long`,
 * `Too many`, and `Invalid value: ...: <path> in body should ...` for the rest).
 */

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeFits(v: Json, schema: JSONSchemaProps): boolean {
  if (schema['x-kubernetes-int-or-string'])
    return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (schema.type) {
    case undefined:
      return true;
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
  }
}

const inBody = (path: string, rule: string) => `${path} in body ${rule}`;
const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Rules on a scalar value: enum, pattern, bounds, lengths. */
function scalarErrors(v: Json, schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push(
      notSupported(
        path,
        v,
        schema.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  }
  if (typeof v === 'string') {
    const length = [...v].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) errs.push(tooLong(path, schema.maxLength));
    if (schema.minLength !== undefined && length < schema.minLength) {
      errs.push(invalid(path, v, inBody(path, `should be at least ${schema.minLength} chars long`)));
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(v)) {
      errs.push(invalid(path, v, inBody(path, `should match '${schema.pattern}'`)));
    }
  }
  if (typeof v === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (minimum !== undefined && (exclusiveMinimum ? v <= minimum : v < minimum)) {
      errs.push(
        invalid(path, v, inBody(path, `should be greater than ${exclusiveMinimum ? '' : 'or equal to '}${minimum}`)),
      );
    }
    if (maximum !== undefined && (exclusiveMaximum ? v >= maximum : v > maximum)) {
      errs.push(
        invalid(path, v, inBody(path, `should be less than ${exclusiveMaximum ? '' : 'or equal to '}${maximum}`)),
      );
    }
    if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(v / multipleOf)) {
      errs.push(invalid(path, v, inBody(path, `should be a multiple of ${multipleOf}`)));
    }
  }
  return errs;
}

/**
 * Every violation of `schema` by `value` at `path` (`''` for the root). At
 * the root, `apiVersion`, `kind` and `metadata` are the Api's business and
 * are skipped. `x-kubernetes-preserve-unknown-fields` lets unknown fields
 * through unchecked; a value of the wrong type is reported once, without
 * descending into it.
 */
export function validateAgainstSchema(value: Json, schema: JSONSchemaProps, path = ''): FieldError[] {
  if (value === null) {
    return schema.nullable || schema.type === undefined
      ? []
      : [invalid(path, 'null', inBody(path, `must be of type ${schema.type}: "null"`))];
  }
  if (!typeFits(value, schema)) {
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer or string' : schema.type;
    return [invalid(path, jsonType(value), inBody(path, `must be of type ${expected}: "${jsonType(value)}"`))];
  }
  const errs = scalarErrors(value, schema, path);
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errs.push(tooMany(path, value.length, schema.maxItems));
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errs.push(invalid(path, value.length, inBody(path, `should have at least ${schema.minItems} items`)));
    }
    if (schema.uniqueItems) {
      const seen = new Set<string>();
      for (const [i, item] of value.entries()) {
        const k = JSON.stringify(item);
        if (seen.has(k)) errs.push({ field: `${path}[${i}]`, message: `Duplicate value: ${k}` });
        seen.add(k);
      }
    }
    if (schema.items)
      for (const [i, item] of value.entries()) errs.push(...validateAgainstSchema(item, schema.items, `${path}[${i}]`));
  }
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => path !== '' || !ROOT_FIELDS.has(k));
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      errs.push(tooMany(path, keys.length, schema.maxProperties));
    }
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
      errs.push(invalid(path, keys.length, inBody(path, `should have at least ${schema.minProperties} properties`)));
    }
    for (const r of schema.required ?? []) if (value[r] === undefined) errs.push(required(child(path, r)));
    for (const k of keys) {
      const sub =
        schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub) errs.push(...validateAgainstSchema(value[k], sub, child(path, k)));
    }
  }
  return errs;
}

/** Root fields the Api itself checks; the schema neither validates nor prunes them. */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
/** ObjectMeta fields a custom resource keeps; anything else under `metadata` is pruned, as Kubernetes does. */
const META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
  'selfLink',
]);

const preserves = (schema: JSONSchemaProps) => schema['x-kubernetes-preserve-unknown-fields'] === true;

/**
 * Removes, in place, every field the schema does not specify (Kubernetes'
 * pruning of structural schemas): object properties not in `properties`
 * unless `additionalProperties` or `x-kubernetes-preserve-unknown-fields`
 * keeps them, recursively through items and additional properties. At the
 * root `apiVersion` and `kind` stay and `metadata` keeps only ObjectMeta
 * fields; embedded resources (`x-kubernetes-embedded-resource`) keep theirs.
 * Returns the paths removed.
 */
export function pruneUnknownFields(value: Json, schema: JSONSchemaProps, path = ''): string[] {
  const removed: string[] = [];
  if (Array.isArray(value) && schema.items) {
    for (const [i, item] of value.entries()) removed.push(...pruneUnknownFields(item, schema.items, `${path}[${i}]`));
  }
  if (!isObject(value)) return removed;
  const embedded = path === '' || schema['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(value)) {
    if (embedded && (k === 'apiVersion' || k === 'kind')) continue;
    if (embedded && k === 'metadata' && isObject(value.metadata)) {
      for (const m of Object.keys(value.metadata)) {
        if (!META_FIELDS.has(m)) {
          delete value.metadata[m];
          removed.push(child(child(path, 'metadata'), m));
        }
      }
      continue;
    }
    const sub =
      schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub) removed.push(...pruneUnknownFields(value[k], sub, child(path, k)));
    else if (!preserves(schema) && schema.additionalProperties !== true) {
      delete value[k];
      removed.push(child(path, k));
    }
  }
  return removed;
}

/**
 * Fills in, in place, the `default` of every absent property whose parent
 * object is present (Kubernetes' structural defaulting), through items and
 * additional properties. Defaults are copies: two objects never share one.
 */
export function applySchemaDefaults(value: Json, schema: JSONSchemaProps): void {
  if (Array.isArray(value) && schema.items) for (const item of value) applySchemaDefaults(item, schema.items);
  if (!isObject(value)) return;
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (value[k] === undefined && sub.default !== undefined) value[k] = structuredClone(sub.default);
    if (value[k] !== undefined) applySchemaDefaults(value[k], sub);
  }
  if (isObject(schema.additionalProperties)) {
    for (const k of Object.keys(value)) {
      if (!schema.properties?.[k]) applySchemaDefaults(value[k], schema.additionalProperties);
    }
  }
}
