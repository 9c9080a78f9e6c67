import type { KubeObject } from './meta.js';

/** A class of storage: which provisioner makes volumes for claims naming it, and how they bind. */
export interface StorageClass extends KubeObject {
  apiVersion: 'storage.k8s.io/v1';
  kind: 'StorageClass';
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Retain' | 'Delete';
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  allowedTopologies?: unknown[];
}
