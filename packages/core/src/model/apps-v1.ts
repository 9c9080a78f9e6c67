import type { IntOrString, PersistentVolumeClaim, PodTemplateSpec } from './core-v1.js';
import type { Condition, KubeObject, LabelSelector, ObjectMeta } from './meta.js';

/** Observed state shared by ReplicaSet-like workloads. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** Keeps a number of identical pods running. */
export interface ReplicaSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector: LabelSelector;
    template?: PodTemplateSpec;
  };
  status?: ReplicaSetStatus;
}

/** How a Deployment replaces old pods with new ones. */
export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString };
}

/** Declarative updates for pods via ReplicaSets. */
export interface Deployment extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy?: DeploymentStrategy;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
    collisionCount?: number;
  };
}

/** Runs one pod per eligible node. */
export interface DaemonSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: {
    currentNumberScheduled: number;
    numberMisscheduled: number;
    desiredNumberScheduled: number;
    numberReady: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    collisionCount?: number;
    conditions?: Condition[];
  };
}

/** What happens to a StatefulSet's claims when the set is deleted or scaled down. */
export interface StatefulSetPersistentVolumeClaimRetentionPolicy {
  /** `Retain` (default) keeps the claims after the set is deleted; `Delete` has them garbage-collected with it. */
  whenDeleted?: 'Retain' | 'Delete';
  /** `Retain` (default) keeps claims of ordinals removed by a scale-down; `Delete` deletes them. */
  whenScaled?: 'Retain' | 'Delete';
}

/** How a StatefulSet replaces pods whose template changed. */
export interface StatefulSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete';
  rollingUpdate?: {
    /** Ordinals below this keep their revision; default 0. */
    partition?: number;
    /** Pods that may be unavailable at once during the update; default 1. */
    maxUnavailable?: IntOrString;
  };
}

/** A PersistentVolumeClaim template of a StatefulSet: one claim per ordinal is made from it. */
export interface PersistentVolumeClaimTemplate {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: PersistentVolumeClaim['spec'];
}

/** Pods with stable ordinal identities and stable storage. */
export interface StatefulSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
    /** The headless Service that gives pods their DNS names (`<pod>.<serviceName>`). */
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: StatefulSetUpdateStrategy;
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
    /** The first ordinal (`ordinals.start`); default 0. */
    ordinals?: { start?: number };
  };
  status?: {
    observedGeneration?: number;
    replicas: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
    conditions?: Condition[];
  };
}

/** An immutable snapshot of a workload's template: the history StatefulSets and DaemonSets roll back to. */
export interface ControllerRevision extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  /** The snapshot (for a StatefulSet, a patch holding `spec.template`). */
  data?: unknown;
  /** The revision number, growing with each new revision of the owner. */
  revision: number;
}
