import { BadRequestError } from '../errors/api-errors.js';
import type { ObjectRef } from '../model/meta.js';

/**
 * Reads `(namespace, name)` or `(name)` according to the kind's scope, with
 * a clear error for the wrong form. Cluster-scoped kinds also take
 * `(undefined, name)` and `('', name)`, as generic code that passes an
 * object's `metadata.namespace` calls them. Every resource client (in-process
 * and remote) reads its arguments with this one rule.
 */
export function refFromArguments(
  scope: { kind: string; namespaced: boolean },
  namespaceOrName: string | undefined,
  name: string | undefined,
  method: string,
): ObjectRef {
  if (!scope.namespaced && name !== undefined && (namespaceOrName === undefined || namespaceOrName === '')) {
    namespaceOrName = name;
    name = undefined;
  }
  if (typeof namespaceOrName !== 'string' || (name !== undefined && typeof name !== 'string')) {
    throw new BadRequestError(`${method} takes names as strings`);
  }
  if (scope.namespaced) {
    if (name === undefined)
      throw new BadRequestError(`${scope.kind} is namespaced: call ${method}(namespace, name, ...)`);
    return { namespace: namespaceOrName, name };
  }
  if (name !== undefined) throw new BadRequestError(`${scope.kind} is cluster-scoped: call ${method}(name, ...)`);
  return { name: namespaceOrName };
}
