import { sharedJsonHeight } from '../json/shared-json.js';

/**
 * About how many bytes `value` takes as JSON (strings counted one byte per
 * code unit, every number as 8): what MemoryStore charges a retained change
 * against its history's byte bound. A walk that allocates nothing, so it
 * costs a fraction of the copy every write already makes; it follows the
 * same nesting the copy does (stored objects are depth-checked on the way in).
 * A shared tree (`shareJson`) counts in full wherever it is held, and is
 * walked once.
 */
export function jsonFootprint(value: unknown): number {
  return typeof value === 'object' && value !== null ? compositeFootprint(value) : scalarFootprint(value);
}

/**
 * The footprint of an object or array. `jsonFootprint` is small enough for
 * V8 to inline into these loops, so a member that is a short string (most
 * of them) costs no call.
 */
function compositeFootprint(value: object): number {
  return sharedJsonHeight(value) === undefined ? ownFootprint(value) : sharedFootprint(value);
}

/** The footprints of shared trees, walked once each. */
const sharedFootprints = new WeakMap<object, number>();

function sharedFootprint(value: object): number {
  let size = sharedFootprints.get(value);
  if (size === undefined) {
    size = ownFootprint(value);
    sharedFootprints.set(value, size);
  }
  return size;
}

function ownFootprint(value: object): number {
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) size += 1 + jsonFootprint(value[i]);
    return size;
  }
  for (const key in value) size += key.length + 4 + jsonFootprint((value as Record<string, unknown>)[key]);
  return size;
}

function scalarFootprint(value: unknown): number {
  return typeof value === 'string' ? value.length + 2 : 8;
}
