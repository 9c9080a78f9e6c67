import type { Condition, KubeObject, LabelSelector, PodTemplateSpec, ReplicaSet } from '@flotilla/core';

/** The status a ReplicaSet-like controller writes (ReplicaSet and ReplicationController share it). */
export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/**
 * How the ReplicaSet controller reads one ReplicaSet-like kind. ReplicaSet
 * and ReplicationController differ only in their selector's shape, so one
 * reconciler serves both through this adapter.
 */
export interface ReplicaSetKind<T extends KubeObject> {
  kind: 'ReplicaSet' | 'ReplicationController';
  /** The pod selector, as a LabelSelector whatever the kind's shape. */
  selector(obj: Readonly<T>): LabelSelector;
  /** The pod template new replicas are made from. */
  template(obj: Readonly<T>): PodTemplateSpec | undefined;
  /** The desired replica count (default 1). */
  replicas(obj: Readonly<T>): number;
  /** How long a ready pod must stay ready to count as available (default 0). */
  minReadySeconds(obj: Readonly<T>): number;
  /** The status last written. */
  status(obj: Readonly<T>): Partial<ReplicaStatus> | undefined;
}

/** The adapter for apps/v1 ReplicaSet. */
export const replicaSetKind: ReplicaSetKind<ReplicaSet> = {
  kind: 'ReplicaSet',
  selector: (rs) => rs.spec.selector,
  template: (rs) => rs.spec.template,
  replicas: (rs) => rs.spec.replicas ?? 1,
  minReadySeconds: (rs) => rs.spec.minReadySeconds ?? 0,
  status: (rs) => rs.status,
};
