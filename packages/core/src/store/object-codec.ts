import type { KubeObject } from '../model/meta.js';

/**
 * Serializes an object with `metadata.resourceVersion` set to `resourceVersion`
 * (or removed when it is undefined, for backends that derive it on read).
 * The string is the store's private copy: nothing the caller does to `obj`
 * afterwards can reach it. A shallow spread of the two top levels is enough
 * because `JSON.stringify` does the deep copy.
 */
export function encodeObject(obj: KubeObject, resourceVersion: string | undefined): string {
  return JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion } });
}

/** Parses a stored object into a fresh copy, optionally stamping the revision it was read at. */
export function decodeObject(json: string, resourceVersion?: string): KubeObject {
  const obj = JSON.parse(json) as KubeObject;
  if (resourceVersion !== undefined) obj.metadata.resourceVersion = resourceVersion;
  return obj;
}
