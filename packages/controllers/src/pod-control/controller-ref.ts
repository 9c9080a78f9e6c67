import type { KubeObject, OwnerReference } from '@flotilla/core';

/** A controller owner reference to `owner` with blockOwnerDeletion, as workload controllers set on what they create. */
export function controllerRefTo(owner: Readonly<KubeObject>): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The owner reference marked `controller: true`, if any. */
export function controllerOf(obj: Readonly<KubeObject>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True when `obj` is controlled by the object with this uid. */
export function isControlledBy(obj: Readonly<KubeObject>, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerOf(obj)?.uid === ownerUid;
}
