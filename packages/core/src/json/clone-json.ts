import { setMember } from './json-object.js';

/**
 * A deep copy of a JSON value (what API objects are made of: objects, arrays,
 * strings, numbers, booleans, null). Hand-written because it sits on the
 * write path, where `structuredClone` and JSON round trips cost several times
 * more for objects the size of a Pod. `undefined` members are kept as they
 * are (JSON.stringify drops them later); `__proto__` keys stay data.
 */
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
