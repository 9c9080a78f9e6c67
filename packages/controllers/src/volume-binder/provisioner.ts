import type { PersistentVolume, PersistentVolumeClaim } from '@flotilla/core';
import type { StorageClassSpec } from './storage-class.js';

/** What a provisioner is asked to create. */
export interface ProvisionRequest {
  /** The name the PersistentVolume will get (`pvc-<claim uid>`). */
  volumeName: string;
  claim: Readonly<PersistentVolumeClaim>;
  storageClassName: string;
  storageClass: StorageClassSpec;
  /** The node chosen for a WaitForFirstConsumer claim. */
  selectedNode?: string;
}

/** The parts of a PersistentVolume spec a provisioner decides: the volume source and where it is reachable. */
export type ProvisionedVolume = Pick<PersistentVolume['spec'], 'hostPath' | 'local' | 'nodeAffinity' | 'mountOptions'>;

/**
 * Creates and deletes storage for dynamically provisioned volumes (the
 * external-provisioner's role). The binder calls `provision` for a pending
 * claim of a class naming this provisioner and `delete` when a volume it
 * made is released under the Delete policy.
 *
 * Contract: both are idempotent (the binder may call again after a crash
 * or a failed write); a thrown error is retried with backoff.
 */
export interface VolumeProvisioner {
  readonly name: string;
  /** Creates (or finds, on a retry) the storage for `req` and says how pods reach it. */
  provision(req: ProvisionRequest): Promise<ProvisionedVolume>;
  /** Removes the storage behind a released volume; succeeds if it is already gone. */
  delete(volume: Readonly<PersistentVolume>): Promise<void>;
}
