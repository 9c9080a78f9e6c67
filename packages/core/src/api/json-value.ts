/**
 * Operations on plain JSON values (what API objects are made of: objects,
 * arrays, strings, numbers, booleans, null). Hand-written because they sit on
 * the write path, where `structuredClone` and JSON round trips cost several
 * times more for objects the size of a Pod.
 */

/** A deep copy of a JSON value. `undefined` members are kept as they are (JSON.stringify drops them later). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) setMember(out, key, cloneJson((value as Record<string, unknown>)[key]));
  return out as T;
}

/**
 * Sets `obj[key]` as an own data member. A plain assignment to `__proto__`
 * (a legal key in parsed JSON) would replace the object's prototype instead:
 * hostile input could then smuggle members in through inheritance.
 */
export function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Structural equality of two JSON values. A member set to `undefined` equals
 * a missing member, as it does once serialized.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key in ra) if (!jsonEqual(ra[key], rb[key])) return false;
  for (const key in rb) if (!(key in ra) && rb[key] !== undefined) return false;
  return true;
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Upper bounds on the serialized form: a code unit escapes to at most `\uXXXX`; a number prints in at most 32 characters. */
const MAX_BYTES_PER_CODE_UNIT = 6;
const MAX_NUMBER_BYTES = 32;

/**
 * An upper bound on the UTF-8 size of `JSON.stringify(value)`, computed by a
 * walk that allocates nothing: several times cheaper than serializing, and
 * exact enough to wave through everything well below a size limit.
 */
export function jsonSizeBound(value: unknown): number {
  if (typeof value === 'string') return value.length * MAX_BYTES_PER_CODE_UNIT + 2;
  if (value === null || typeof value !== 'object') return MAX_NUMBER_BYTES;
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) size += jsonSizeBound(value[i]) + 1;
    return size;
  }
  for (const key in value) {
    // Quoted key, colon, comma.
    size += key.length * MAX_BYTES_PER_CODE_UNIT + 4 + jsonSizeBound((value as Record<string, unknown>)[key]);
  }
  return size;
}
