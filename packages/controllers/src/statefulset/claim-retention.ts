import type { KubeObject, OwnerReference, PersistentVolumeClaim, Pod, StatefulSet } from '@flotilla/core';

const refTo = (owner: Readonly<KubeObject>): OwnerReference => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid ?? '',
});

/**
 * The owner references a claim of `pod` should carry under the set's
 * `persistentVolumeClaimRetentionPolicy` (Kubernetes'
 * `updateClaimOwnerRefForSetAndPod`): a reference to the set when
 * `whenDeleted` is Delete, so the garbage collector removes the claim with
 * the set; a reference to the pod when `whenScaled` is Delete and the pod's
 * ordinal is being scaled away, so the claim goes with the pod. References
 * to other owners are kept.
 */
export function retentionOwnerRefs(
  set: Readonly<StatefulSet>,
  pod: Readonly<Pod>,
  condemned: boolean,
  claim: Readonly<PersistentVolumeClaim>,
): OwnerReference[] {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy;
  const others = (claim.metadata.ownerReferences ?? []).filter(
    (r) => r.uid !== set.metadata.uid && !(r.kind === 'Pod' && r.name === pod.metadata.name),
  );
  const refs = [...others];
  if (policy?.whenDeleted === 'Delete') refs.push(refTo(set));
  if (policy?.whenScaled === 'Delete' && condemned && pod.metadata.uid) refs.push(refTo(pod));
  return refs;
}

/** True when the claim's references already match `retentionOwnerRefs` (order ignored). */
export function retentionMatches(claim: Readonly<PersistentVolumeClaim>, wanted: readonly OwnerReference[]): boolean {
  const key = (r: OwnerReference) => `${r.kind}/${r.name}/${r.uid}`;
  const have = (claim.metadata.ownerReferences ?? []).map(key).sort();
  return JSON.stringify(have) === JSON.stringify(wanted.map(key).sort());
}
