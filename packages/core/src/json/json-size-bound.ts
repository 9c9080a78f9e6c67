import { assertJsonDepth } from './depth-guard.js';
import { sharedJsonHeight } from './shared-json.js';

/** Upper bounds on the serialized form: a code unit escapes to at most six characters (a `\u` escape); a number prints in at most 32 characters. */
const MAX_BYTES_PER_CODE_UNIT = 6;
const MAX_NUMBER_BYTES = 32;

/**
 * An upper bound on the UTF-8 size of `JSON.stringify(value)`, computed by a
 * walk that allocates nothing: several times cheaper than serializing, and
 * exact enough to wave through everything well below a size limit. Values
 * nested deeper than `MAX_JSON_DEPTH` get a `BadRequestError`.
 */
export function jsonSizeBound(value: unknown): number {
  return boundAt(value, 1);
}

/** The bounds of shared trees (`shareJson`), walked once each. */
const sharedBounds = new WeakMap<object, number>();

/** The bound of a shared tree at `depth`: its own walk, remembered. */
function sharedBound(value: object, depth: number): number {
  let bound = sharedBounds.get(value);
  if (bound === undefined) {
    bound = compositeBound(value, depth);
    sharedBounds.set(value, bound);
  }
  return bound;
}

function boundAt(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length * MAX_BYTES_PER_CODE_UNIT + 2;
  if (value === null || typeof value !== 'object') return MAX_NUMBER_BYTES;
  return sharedJsonHeight(value) === undefined ? compositeBound(value, depth) : sharedBound(value, depth);
}

function compositeBound(value: object, depth: number): number {
  assertJsonDepth(depth);
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) size += boundAt(value[i], depth + 1) + 1;
    return size;
  }
  for (const key in value) {
    // Quoted key, colon, comma.
    size += key.length * MAX_BYTES_PER_CODE_UNIT + 4 + boundAt((value as Record<string, unknown>)[key], depth + 1);
  }
  return size;
}
