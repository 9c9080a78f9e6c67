import type { ObjectMeta } from './meta.js';

/**
 * autoscaling/v1 `Scale`: the `scale` subresource's view of a workload
 * (Deployment, ReplicaSet, StatefulSet, ReplicationController, or a custom
 * kind whose definition declares one), as `kubectl scale` and the HPA read
 * and write it.
 */
export interface Scale {
  apiVersion?: 'autoscaling/v1';
  kind?: 'Scale';
  /** The workload's name, namespace, uid and resourceVersion (a PUT with it set is a compare-and-swap). */
  metadata: ObjectMeta;
  /** Desired replicas. */
  spec: { replicas?: number };
  /** Observed replicas, and the pods' selector in its string form (`app=web`). */
  status?: { replicas: number; selector?: string };
}
