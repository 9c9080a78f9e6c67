/**
 * About how many bytes `value` takes as JSON (strings counted one byte per
 * code unit, every number as 8): what MemoryStore charges a retained change
 * against its history's byte bound. A walk that allocates nothing, so it
 * costs a fraction of the copy every write already makes; it follows the
 * same nesting the copy does (stored objects are depth-checked on the way in).
 */
export function jsonFootprint(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) size += jsonFootprint(value[i]) + 1;
    return size;
  }
  for (const key in value) size += key.length + 4 + jsonFootprint((value as Record<string, unknown>)[key]);
  return size;
}
