import { PatchError } from './patch-error.js';

/**
 * How deeply nested a patch may be. Kubernetes objects are a few dozen levels
 * deep at most; the patch functions recurse over the patch, so this bound
 * keeps hostile input (thousands of nested arrays) to a typed error instead
 * of a stack overflow.
 */
export const MAX_PATCH_DEPTH = 1000;

/**
 * Throws a `PatchError` naming the path of the first value nested deeper
 * than `maxDepth`. The walk recurses at most `maxDepth` levels (it stops
 * there), so it is safe on any input, and allocates nothing on the way.
 */
export function assertJsonDepth(value: unknown, maxDepth = MAX_PATCH_DEPTH, what = 'patch'): void {
  if (!deeperThan(value, maxDepth)) return;
  const keys = tooDeep(value, maxDepth);
  if (!keys) return;
  // The keys come deepest first; the pointer shows the first eight from the root.
  keys.reverse();
  const pointer = `/${keys.slice(0, 8).join('/')}${keys.length > 8 ? '/...' : ''}`;
  throw new PatchError('BadRequest', pointer, `${what} is nested deeper than ${maxDepth} levels`);
}

/**
 * Whether an object or array lies `levels` below `value`: the check every
 * write passes, so it lists no keys and allocates nothing (`tooDeep` names
 * the path once it is known there is one).
 */
function deeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (deeperThan(value[i], levels - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (deeperThan(record[key], levels - 1)) return true;
  return false;
}

/**
 * The keys, deepest first, leading to the first object or array `levels`
 * below `value`; `undefined` when there is none. Members are visited last
 * first, depth first.
 */
function tooDeep(value: unknown, levels: number): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (levels <= 0) return [];
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const keys = tooDeep(value[i], levels - 1);
      if (keys) {
        keys.push(String(i));
        return keys;
      }
    }
    return undefined;
  }
  const members = Object.keys(value);
  for (let i = members.length - 1; i >= 0; i--) {
    const key = members[i]!;
    const keys = tooDeep((value as Record<string, unknown>)[key], levels - 1);
    if (keys) {
      keys.push(key);
      return keys;
    }
  }
  return undefined;
}
