/**
 * Freezes `value` and everything reachable from it, in place, and returns it.
 * Cached objects are shared by every consumer of an informer, so one
 * consumer's mutation must fail loudly instead of corrupting the others' view.
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) freezeTree(value);
  return value;
}

/** The walk, kept free of per-object allocations (no `Object.values` arrays): it runs for every cached object. */
function freezeTree(obj: object): void {
  Object.freeze(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const v: unknown = obj[i];
      if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) freezeTree(v);
    }
    return;
  }
  const record = obj as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) freezeTree(v);
  }
}
