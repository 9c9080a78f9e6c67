import type { FieldError } from '../errors/api-errors.js';
import { cutErrors } from '../validation/listed-errors.js';
import { checkSchema } from './check-schema.js';
import type { ObjectSchema } from './field-schema.js';
import { objectSchema } from './meta-schema.js';
import { fitsSchema } from './schema-fit.js';

/**
 * Every wrong-typed field of an API object: `apiVersion`, `kind` and
 * `metadata` (for every kind), then the kind's own `schema`. `obj` must be a
 * private copy holding JSON values only; known members set to `null` are
 * removed from it (Kubernetes' decoder reads `null` as "not set").
 *
 * A compiled check answers first; paths and messages are built only for an
 * object that does not fit.
 */
export function objectSchemaErrors(obj: unknown, schema: ObjectSchema | undefined): FieldError[] {
  if (fitsSchema(obj, objectSchema) && (!schema || fitsSchema(obj, schema))) return [];
  const errors: FieldError[] = [];
  checkSchema(obj, objectSchema, '', errors);
  if (schema) checkSchema(obj, schema, '', errors);
  return cutErrors(errors, 'wrong-typed fields');
}
