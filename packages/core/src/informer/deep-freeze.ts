/**
 * Freezes `value` and everything reachable from it, in place, and returns it.
 * Cached objects are shared by every consumer of an informer, so one
 * consumer's mutation must fail loudly instead of corrupting the others' view.
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
