import {
  getControllerOf,
  type KubeObject,
  type LabelMatcher,
  type ResourceClient,
  setControllerReference,
} from '@flotilla/core';
import { isControlledBy } from './controller-ref.js';

/**
 * Takes ownership of what a controller's selector covers (Kubernetes'
 * `ClaimPods` / `ClaimReplicaSets`): objects it controls and that still match
 * are kept; orphans that match are adopted (a controller reference added);
 * objects it controls that no longer match are released (the reference
 * removed). Objects being deleted are neither adopted nor released.
 *
 * Writes are compare-and-swap on the cached revision, so a concurrent change
 * fails with ConflictError (the caller's sync retries) instead of being
 * overwritten. Adoption is skipped while the owner is being deleted.
 *
 * Returns the objects the owner controls after claiming.
 */
export async function claimObjects<T extends KubeObject>(
  owner: Readonly<KubeObject>,
  selector: LabelMatcher,
  candidates: readonly Readonly<T>[],
  client: ResourceClient<T>,
): Promise<Readonly<T>[]> {
  const ownerUid = owner.metadata.uid;
  const claimed: Readonly<T>[] = [];
  const writes: Promise<void>[] = [];
  for (const obj of candidates) {
    const matches = selector.matches(obj.metadata.labels);
    const mine = isControlledBy(obj, ownerUid);
    if (mine && matches) {
      claimed.push(obj);
    } else if (mine && !matches && !obj.metadata.deletionTimestamp) {
      const released = structuredClone(obj) as T;
      released.metadata.ownerReferences = obj.metadata.ownerReferences?.filter((r) => r.uid !== ownerUid);
      writes.push(client.update(released).then(() => undefined));
    } else if (
      !mine &&
      matches &&
      !getControllerOf(obj) &&
      !obj.metadata.deletionTimestamp &&
      !owner.metadata.deletionTimestamp
    ) {
      const adopted = structuredClone(obj) as T;
      setControllerReference(owner, adopted);
      writes.push(client.update(adopted).then((stored) => void claimed.push(stored)));
    }
  }
  await Promise.all(writes);
  return claimed;
}
