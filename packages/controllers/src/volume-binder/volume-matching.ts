import {
  compileLabelSelector,
  type Node,
  type NodeSelectorRequirement,
  type PersistentVolume,
  type PersistentVolumeClaim,
  parseValue,
} from '@flotilla/core';

/** Requested storage of a claim, in bytes. */
export function requestedBytes(claim: Readonly<PersistentVolumeClaim>): number {
  const request = claim.spec.resources?.requests?.storage;
  return request === undefined ? 0 : parseValue(request);
}

function capacityOf(pv: Readonly<PersistentVolume>): number {
  const capacity = pv.spec.capacity?.storage;
  return capacity === undefined ? 0 : parseValue(capacity);
}

function requirementHolds(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const value = labels[req.key];
  switch (req.operator) {
    case 'In':
      return value !== undefined && (req.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(req.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(req.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(req.values?.[0]);
  }
}

/** Whether a volume's node affinity admits `node` (no affinity admits every node). */
export function volumeFitsNode(pv: Readonly<PersistentVolume>, node: Readonly<Node> | undefined): boolean {
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  if (!node) return false;
  const labels = { 'kubernetes.io/hostname': node.metadata.name, ...node.metadata.labels };
  return terms.some((t) => (t.matchExpressions ?? []).every((r) => requirementHolds(r, labels)));
}

/**
 * Whether `pv` can serve `claim` (Kubernetes' `FindMatchingVolume` checks):
 * same storage class (`''` when unset), same volume mode, every requested
 * access mode offered, enough capacity, the claim's selector matching the
 * volume's labels, and not bound or pre-bound to another claim.
 */
export function volumeMatches(pv: Readonly<PersistentVolume>, claim: Readonly<PersistentVolumeClaim>): boolean {
  const ref = pv.spec.claimRef;
  if (ref && (ref.namespace !== claim.metadata.namespace || ref.name !== claim.metadata.name)) return false;
  if (ref?.uid && ref.uid !== claim.metadata.uid) return false;
  if (!ref && pv.status?.phase !== 'Available' && pv.status?.phase !== 'Pending' && pv.status?.phase !== undefined)
    return false;
  if (pv.metadata.deletionTimestamp) return false;
  if ((pv.spec.storageClassName ?? '') !== (claim.spec.storageClassName ?? '')) return false;
  if ((pv.spec.volumeMode ?? 'Filesystem') !== (claim.spec.volumeMode ?? 'Filesystem')) return false;
  const offered = pv.spec.accessModes ?? [];
  if (!(claim.spec.accessModes ?? []).every((m) => offered.includes(m))) return false;
  if (capacityOf(pv) < requestedBytes(claim)) return false;
  const selector = compileLabelSelector(claim.spec.selector);
  return selector.empty || selector.matches(pv.metadata.labels);
}

/**
 * The volume to bind `claim` to: one pre-bound to it if any matches,
 * otherwise the smallest matching one (ties by name, for determinism);
 * `node` restricts to volumes reachable from it (WaitForFirstConsumer).
 */
export function findBestVolume(
  claim: Readonly<PersistentVolumeClaim>,
  volumes: readonly Readonly<PersistentVolume>[],
  node?: Readonly<Node> | null,
): Readonly<PersistentVolume> | undefined {
  const fits = volumes.filter(
    (pv) => volumeMatches(pv, claim) && (node === undefined || volumeFitsNode(pv, node ?? undefined)),
  );
  const preBound = fits.find((pv) => pv.spec.claimRef);
  if (preBound) return preBound;
  return fits.sort((a, b) => capacityOf(a) - capacityOf(b) || (a.metadata.name < b.metadata.name ? -1 : 1))[0];
}
