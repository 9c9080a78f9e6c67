import { type Expectations, getControllerOf, type Pod } from '@flotilla/core';

/** The informer event types a pod-owning controller forwards. */
export type PodEventType = 'added' | 'updated' | 'deleted';

/**
 * Feeds core `Expectations` from one pod informer event for the controllers
 * of `ownerKind` (ReplicaSet, Job, DaemonSet ...), and returns the owner's
 * key (`namespace/name`), or undefined when the pod has no controller of
 * that kind.
 *
 * A creation is observed when the pod appears; a deletion when it first gets
 * a deletion timestamp or, if it vanished without one (deleted at once), when
 * it is removed. A graceful deletion is therefore counted once, not twice.
 */
export function observePodForExpectations(
  expectations: Expectations,
  ownerKind: string,
  type: PodEventType,
  pod: Readonly<Pod>,
  old?: Readonly<Pod>,
): string | undefined {
  const ref = getControllerOf(pod);
  if (!ref || ref.kind !== ownerKind) return undefined;
  const key = `${pod.metadata.namespace}/${ref.name}`;
  if (type === 'added') expectations.creationObserved(key);
  const startedTerminating = type === 'updated' && pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp;
  const removedAtOnce = type === 'deleted' && !pod.metadata.deletionTimestamp;
  if (startedTerminating || removedAtOnce) expectations.deletionObserved(key);
  return key;
}
