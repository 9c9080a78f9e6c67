/**
 * What the binder needs to know of a StorageClass (storage.k8s.io/v1 is not
 * a served kind in Flotilla yet, so classes are given to the controller as
 * options).
 */
export interface StorageClassSpec {
  /** The name of a registered `VolumeProvisioner`; absent: no dynamic provisioning. */
  provisioner?: string;
  /** `Immediate` (default) binds at once; `WaitForFirstConsumer` waits for a pod using the claim to get a node. */
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  /** Reclaim policy of provisioned volumes. Default `Delete`, as Kubernetes. */
  reclaimPolicy?: 'Retain' | 'Delete';
  /** Passed to the provisioner. */
  parameters?: Record<string, string>;
}

/** Set on a claim by the scheduler (or the binder, from a pod's node) for WaitForFirstConsumer classes. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** Names the provisioner that made a volume, so the right one deletes it. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** Set on a claim once binding finished. */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** Set on a volume and claim the controller bound (not pre-bound by the user). */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
