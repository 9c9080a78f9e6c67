import type { KubeObject } from '../model/meta.js';

/**
 * Serializes an object for a backend that stores bytes, without
 * `metadata.resourceVersion`: the backend's own revision of the key is the
 * only source of truth for it. A shallow spread of the two top levels is
 * enough because `JSON.stringify` does the deep copy.
 */
export function encodeObject(obj: KubeObject): string {
  return JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } });
}

/** Parses stored bytes into a fresh object stamped with the revision the key was last written at. */
export function decodeObject(json: string, resourceVersion: string): KubeObject {
  const obj = JSON.parse(json) as KubeObject;
  obj.metadata.resourceVersion = resourceVersion;
  return obj;
}
