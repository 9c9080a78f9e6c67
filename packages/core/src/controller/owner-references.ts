import { BadRequestError } from '../errors/api-errors.js';
import type { KubeObject, OwnerReference } from '../model/meta.js';

/**
 * Makes `owner` the managing controller of `obj` (in place, and returns
 * `obj`), as controller-runtime's `SetControllerReference`: an owner
 * reference with `controller: true` and `blockOwnerDeletion: true`, so the
 * garbage collector deletes `obj` with its owner and `owns()` routes `obj`'s
 * events to the owner's reconcile.
 *
 * @throws BadRequestError if `owner` has no uid yet (create it first), if the
 * two live in different namespaces (a namespaced owner cannot own across
 * namespaces), or if another object is already the controller.
 */
export function setControllerReference<T extends KubeObject>(owner: KubeObject, obj: T): T {
  const uid = owner.metadata.uid;
  if (!uid)
    throw new BadRequestError(`${owner.kind} "${owner.metadata.name}" has no uid: create it before owning objects`);
  if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace)
    throw new BadRequestError(
      `${owner.kind} "${owner.metadata.namespace}/${owner.metadata.name}" cannot own an object in namespace "${obj.metadata.namespace ?? ''}": owners must be cluster-scoped or in the same namespace`,
    );
  const ref: OwnerReference = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const existing = getControllerOf(obj);
  if (existing && existing.uid !== uid)
    throw new BadRequestError(
      `${obj.kind} "${obj.metadata.name}" is already controlled by ${existing.kind} "${existing.name}"; an object has at most one controller`,
    );
  const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
  obj.metadata.ownerReferences = [...others, ref];
  return obj;
}

/** The owner reference with `controller: true`, if any. */
export function getControllerOf(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True if `obj` has an owner reference (controlling or not) to `owner`, matched by uid. */
export function isOwnedBy(obj: Pick<KubeObject, 'metadata'>, owner: Pick<KubeObject, 'metadata'>): boolean {
  const uid = owner.metadata.uid;
  return uid !== undefined && (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}
