import type { NetworkPolicy, NetworkPolicyPort } from '../model/networking-v1.js';
import type { StorageClass } from '../model/storage-v1.js';

/**
 * NetworkPolicy, as Kubernetes' `SetDefaults_NetworkPolicy`: rule ports
 * default to TCP; without `policyTypes`, Ingress always and Egress when
 * egress rules are given.
 */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = np.spec;
  if (!spec) return;
  const tcp = (ports: NetworkPolicyPort[] | undefined) => {
    for (const p of ports ?? []) p.protocol ??= 'TCP';
  };
  for (const r of spec.ingress ?? []) tcp(r.ports);
  for (const r of spec.egress ?? []) tcp(r.ports);
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** StorageClass: reclaim policy Delete and binding mode Immediate, as Kubernetes. */
export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}
