import type { FieldError } from '../errors/api-errors.js';
import { invalid } from '../validation/field-errors.js';
import { MAX_LISTED_ERRORS } from '../validation/listed-errors.js';
import type { FieldSchema } from './field-schema.js';
import { fitsSchema } from './schema-fit.js';

/** The JSON type of a value, as a wrong-typed field's error shows it (`"string"`, `"array"`, ...). */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * What a value of this schema must be, for the error message: `must be a
 * map`, `must be a list`, `must be a string`, ...
 */
function expectation(schema: FieldSchema): string {
  switch (schema.type) {
    case 'object':
      return schema.additionalProperties ? 'must be a map' : 'must be an object';
    case 'array':
      return 'must be a list';
    case 'integer':
      return schema.format === 'int32' ? 'must be a 32-bit integer' : 'must be an integer';
    case 'intOrString':
      return 'must be an integer or a string';
    case 'quantity':
      return 'must be a quantity (a string or a number)';
    case 'boolean':
      return 'must be a boolean';
    case 'number':
      return 'must be a number';
    default:
      return 'must be a string';
  }
}

/** The wrong-type error: the value's JSON type, or for a number out of range the number itself. */
function wrongType(path: string, value: unknown, schema: FieldSchema): FieldError {
  return invalid(path, typeof value === 'number' ? value : jsonTypeOf(value), expectation(schema));
}

/**
 * Checks that every field `schema` knows holds its JSON type, pushing one
 * `Invalid value` error per wrong-typed field to `errors`, with Kubernetes'
 * paths (`spec.ports[0].name`, `metadata.labels[app]`).
 *
 * `value` must be a private copy made of JSON values only (what
 * `copyJsonInput` returns): a known object member set to `null` is removed
 * from it, as Kubernetes' decoder treats `null` as "not set". Members the
 * schema does not know are left alone.
 *
 * Guarantees: visits only members present in `value` and known to the schema
 * (a map's members all), each once, so the cost is linear in the checked part,
 * and stops once `errors` holds `MAX_LISTED_ERRORS`;
 * recursion is as deep as the schema, never deeper than the value's nesting.
 */
export function checkSchema(value: unknown, schema: FieldSchema, path: string, errors: FieldError[]): void {
  if (errors.length >= MAX_LISTED_ERRORS) return;
  if (schema.type === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(wrongType(path, value, schema));
      return;
    }
    const record = value as Record<string, unknown>;
    const { properties, additionalProperties } = schema;
    if (additionalProperties) {
      for (const key in record) {
        if (errors.length >= MAX_LISTED_ERRORS) return;
        const member = record[key];
        if (additionalProperties.type === 'string') {
          if (typeof member !== 'string') errors.push(wrongType(`${path}[${key}]`, member, additionalProperties));
        } else {
          checkSchema(member, additionalProperties, `${path}[${key}]`, errors);
        }
      }
      return;
    }
    if (!properties) return;
    for (const key in record) {
      if (!Object.hasOwn(properties, key)) continue;
      const member = record[key];
      if (member === null) {
        delete record[key];
        continue;
      }
      const field = properties[key]!;
      const at = path === '' ? key : `${path}.${key}`;
      if (field.type === 'object' || field.type === 'array') checkSchema(member, field, at, errors);
      else if (!fitsSchema(member, field)) errors.push(wrongType(at, member, field));
    }
    return;
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) {
      errors.push(wrongType(path, value, schema));
      return;
    }
    const items = schema.items;
    const composite = items.type === 'object' || items.type === 'array';
    for (let i = 0; i < value.length; i++) {
      if (errors.length >= MAX_LISTED_ERRORS) return;
      const member = value[i];
      if (composite) checkSchema(member, items, `${path}[${i}]`, errors);
      else if (!fitsSchema(member, items)) errors.push(wrongType(`${path}[${i}]`, member, items));
    }
    return;
  }
  if (!fitsSchema(value, schema)) errors.push(wrongType(path, value, schema));
}
