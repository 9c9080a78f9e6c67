import { BadRequestError, InvalidError, RequestTooLargeError } from '../errors/api-errors.js';
import { copyJsonInput } from '../json/json-input.js';
import { isJsonObject } from '../json/json-object.js';
import type { KubeObject } from '../model/meta.js';
import type { ResourceType } from '../registry/resource-type.js';
import { objectSchemaErrors } from '../schema/object-schema-errors.js';
import { invalid, tooManyEntries } from '../validation/field-errors.js';

/**
 * The door of every write: what a caller hands to create, update,
 * updateStatus, apply or patch becomes a private JSON copy here, or is
 * refused with a typed error, before anything else reads it. Kubernetes gets
 * the same guarantees from decoding a request body into Go types: a body
 * that is not a JSON object is a `BadRequest`, and after decoding every known
 * field has its Go type.
 */

/** What a non-object body is, for the message: `null`, `a string`, `an array`. */
function describeBody(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return 'a string (pass the parsed object, e.g. JSON.parse(text))';
  return `a ${typeof input}`;
}

/** The name to show in an error about `obj`: its name or generateName when those are strings. */
export function displayName(obj: unknown): string {
  const meta = isJsonObject(obj) ? obj.metadata : undefined;
  if (!isJsonObject(meta)) return '';
  if (typeof meta.name === 'string' && meta.name !== '') return meta.name;
  return typeof meta.generateName === 'string' ? meta.generateName : '';
}

/** `displayName` of a caller's object that may hold anything, a throwing getter included. */
function safeDisplayName(input: unknown): string {
  try {
    return displayName(input);
  } catch {
    return '';
  }
}

/** The budgets of one write's input: its serialized bytes and its entries. */
export interface WriteInputLimits {
  /** Largest serialized input, in bytes. */
  maxBytes: number;
  /** Most object members and list items, at any depth (see `copyJsonInput`). */
  maxEntries: number;
}

/**
 * A private copy of `input`, which must be a JSON object: `BadRequestError`
 * when it is not an object at all (`null`, a string, an array),
 * `InvalidError` naming the path of a member that is not JSON (BigInt, NaN,
 * Infinity, a function, a symbol, a Date or other class instance, a cycle)
 * or nests deeper than `MAX_JSON_DEPTH`, `RequestTooLargeError` when its
 * serialization exceeds `limits.maxBytes`, `InvalidError` naming the object
 * or list where its entries pass `limits.maxEntries` (see `copyJsonInput`).
 * `method` and `kind` word the errors.
 */
export function copyWriteInput(input: unknown, kind: string, method: string, limits: WriteInputLimits): KubeObject {
  if (!isJsonObject(input)) throw new BadRequestError(`${method} needs an object, not ${describeBody(input)}`);
  const copy = copyJsonInput(input, limits.maxBytes, limits.maxEntries);
  if (copy.ok) return copy.value as KubeObject;
  const problem = copy.problem;
  if (problem.reason === 'tooLarge') throw new RequestTooLargeError(problem.bytes, limits.maxBytes);
  if (problem.reason === 'tooManyEntries') {
    throw new InvalidError(kind, safeDisplayName(input), [tooManyEntries(problem.path || '<body>', problem.max)]);
  }
  throw new InvalidError(kind, safeDisplayName(input), [
    invalid(problem.path || '<body>', problem.shown, problem.detail),
  ]);
}

/**
 * Refuses `obj` (a copy from `copyWriteInput`, or one built from such copies)
 * with an `InvalidError` listing every field whose JSON type is wrong for
 * `type` (see `ResourceType.schema`); known fields set to `null` are removed.
 */
export function assertSchema(obj: KubeObject, type: Pick<ResourceType, 'kind' | 'schema'>): void {
  const errors = objectSchemaErrors(obj, type.schema);
  if (errors.length > 0) throw new InvalidError(type.kind, displayName(obj), errors);
}
