/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
