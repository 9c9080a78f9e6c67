import { assertJsonDepth } from './depth-guard.js';
import { setMember } from './json-object.js';
import { sharedJsonHeight } from './shared-json.js';

/**
 * A deep copy of a JSON value (what API objects are made of: objects, arrays,
 * strings, numbers, booleans, null). Hand-written because it sits on the
 * write path, where `structuredClone` and JSON round trips cost several times
 * more for objects the size of a Pod. `undefined` members are kept as they
 * are (JSON.stringify drops them later); `__proto__` keys stay data.
 * Shared trees (`shareJson`) below the root are frozen and kept as they
 * are, not copied; the root is always a copy.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  return cloneComposite(value, 1);
}

/** The copy of a member that is an object or array: itself when it is a shared tree. */
function cloneMember(member: object, depth: number): object {
  return sharedJsonHeight(member) === undefined ? cloneComposite(member, depth) : member;
}

/**
 * The copy of an object or array. Members that are not objects are copied
 * without a call, and the `__proto__` check is inline: on a Pod most members
 * are strings and numbers, and this is the hottest loop of every write.
 * `depth` counts containers; beyond `MAX_JSON_DEPTH` the copy stops with a typed error.
 */
function cloneComposite<T extends object>(value: T, depth: number): T {
  assertJsonDepth(depth);
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const member = value[i];
      out[i] = typeof member === 'object' && member !== null ? cloneMember(member, depth + 1) : member;
    }
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    let member: unknown = value[key];
    if (typeof member === 'object' && member !== null) member = cloneMember(member, depth + 1);
    if (key === '__proto__') setMember(out, key, member);
    else out[key] = member;
  }
  return out as T;
}
