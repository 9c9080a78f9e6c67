import type { KubeObject } from '../model/meta.js';

/**
 * The cache key of an object, as client-go's `MetaNamespaceKeyFunc`:
 * `namespace/name`, or `name` for cluster-scoped objects.
 */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The cache key of `obj`. */
export function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name);
}

/** Splits a key made by `objectKey` back into namespace and name. */
export function parseObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
