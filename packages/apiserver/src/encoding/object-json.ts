/**
 * The JSON of every frozen object encoded so far, kept while the object
 * lives. Keyed by identity: a store's shared objects (`ListOptions.shared`)
 * are deeply frozen, so their text can never go stale, and a list read
 * again serializes nothing but its envelope (kube-apiserver's watch cache
 * keeps serialized objects the same way: `cachingObject`).
 */
import { objectText } from './object-text.js';

const encodedObjects = new WeakMap<object, Buffer>();

/**
 * `obj` as JSON bytes: encoded once per frozen object, afresh for any other
 * (a copy the caller may still change).
 */
export function objectJson(obj: object): Buffer {
  const cached = encodedObjects.get(obj);
  if (cached !== undefined) return cached;
  const bytes = Buffer.from(objectText(obj));
  if (Object.isFrozen(obj)) encodedObjects.set(obj, bytes);
  return bytes;
}
