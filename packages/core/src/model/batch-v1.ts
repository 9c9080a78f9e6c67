import type { PodTemplateSpec } from './core-v1.js';
import type { Condition, KubeObject, LabelSelector, ObjectMeta } from './meta.js';

/** The desired state of a Job. */
export interface JobSpec {
  parallelism?: number;
  completions?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template: PodTemplateSpec;
}

/** Runs pods until a number of them succeed. */
export interface Job extends KubeObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  spec: JobSpec;
  status?: {
    conditions?: Condition[];
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    /** Indexed mode: completed indexes in range form, e.g. `"0-3,5"`. */
    completedIndexes?: string;
    /**
     * Finished pods the Job controller has recorded but not yet added to
     * `succeeded` / `failed`: their `batch.kubernetes.io/job-tracking`
     * finalizer is being removed. Kept so that a crash between recording a
     * pod and counting it neither loses nor double-counts it.
     */
    uncountedTerminatedPods?: UncountedTerminatedPods;
  };
}

/**
 * UIDs of a Job's finished pods that are not yet in its `succeeded` /
 * `failed` counters (Kubernetes' `UncountedTerminatedPods`).
 */
export interface UncountedTerminatedPods {
  /** UIDs of pods that succeeded. */
  succeeded?: string[];
  /** UIDs of pods that failed (or were deleted before finishing). */
  failed?: string[];
}

/** Creates Jobs on a cron schedule. */
export interface CronJob extends KubeObject {
  apiVersion: 'batch/v1';
  kind: 'CronJob';
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: Partial<ObjectMeta>; spec: JobSpec };
  };
  status?: {
    active?: { kind?: string; namespace?: string; name: string; uid?: string; apiVersion?: string }[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
}
