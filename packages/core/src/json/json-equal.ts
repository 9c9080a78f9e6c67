import { assertJsonDepth } from './depth-guard.js';

/**
 * Structural equality of two JSON values. A member set to `undefined` equals
 * a missing member, as it does once serialized. Values nested deeper than
 * `MAX_JSON_DEPTH` get a `BadRequestError`, never a stack overflow.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 1);
}

function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  assertJsonDepth(depth);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalAt(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key in ra) if (!equalAt(ra[key], rb[key], depth + 1)) return false;
  for (const key in rb) if (!(key in ra) && rb[key] !== undefined) return false;
  return true;
}
