import type { ResourceClient } from '../api/types.js';
import { ConflictError, isReason } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';

/** How many times a finalizer change is retried on write conflicts before giving up. */
const conflictRetries = 5;

function fetch<T extends KubeObject>(client: ResourceClient<T>, obj: Readonly<T>): Promise<T> {
  const { namespace, name } = obj.metadata;
  return namespace ? client.get(namespace, name) : client.get(name);
}

/**
 * Applies `change` to the finalizer list of the latest `obj` and writes it
 * with compare-and-swap, re-reading and retrying on conflict. `change`
 * returns undefined when nothing needs writing.
 */
async function editFinalizers<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: Readonly<T>,
  change: (finalizers: string[], current: T) => string[] | undefined,
): Promise<T> {
  let current: T = structuredClone(obj) as T;
  for (let attempt = 0; ; attempt++) {
    const next = change(current.metadata.finalizers ?? [], current);
    if (!next) return current;
    current.metadata.finalizers = next;
    try {
      return await client.update(current);
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= conflictRetries) throw err;
      current = await fetch(client, obj);
    }
  }
}

/**
 * Adds finalizer `name` to `obj` unless it is there, so that deleting `obj`
 * waits until the controller has cleaned up and called `removeFinalizer`.
 * Returns the object as stored afterwards.
 *
 * Guarantees: idempotent; retries on write conflicts (re-reading the
 * object), so a stale `obj` from a cache is fine.
 *
 * Caveats: an object already being deleted cannot gain finalizers; it is
 * returned unchanged (clean up and call `removeFinalizer` instead).
 */
export function ensureFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: Readonly<T>,
  name: string,
): Promise<T> {
  return editFinalizers(client, obj, (finalizers, current) =>
    finalizers.includes(name) || current.metadata.deletionTimestamp ? undefined : [...finalizers, name],
  );
}

/**
 * Removes finalizer `name` from `obj`, letting a pending deletion finish.
 * Returns what the Api returned for the write (when it removed the last
 * finalizer of an object being deleted, the object is now gone and this is
 * its last stored state), or undefined if it was already gone.
 *
 * Guarantees: idempotent; retries on write conflicts.
 */
export async function removeFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: Readonly<T>,
  name: string,
): Promise<T | undefined> {
  try {
    return await editFinalizers(client, obj, (finalizers) =>
      finalizers.includes(name) ? finalizers.filter((f) => f !== name) : undefined,
    );
  } catch (err) {
    if (isReason(err, 'NotFound')) return undefined;
    throw err;
  }
}
