import { getControllerOf, type KubeObject } from '@flotilla/core';

/** True when `obj` is controlled by the object with this uid. */
export function isControlledBy(obj: Readonly<KubeObject>, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && getControllerOf(obj)?.uid === ownerUid;
}
