import type { Job, Pod, PodTemplateSpec, UncountedTerminatedPods } from '@flotilla/core';
import { completedIndexes, podIndex } from './job-pods.js';

/**
 * The finalizer on every pod a Job creates (Kubernetes' `batch.JobTrackingFinalizer`):
 * a finished pod cannot vanish before the Job has counted it.
 */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';

/** True when the pod still carries `batch.kubernetes.io/job-tracking`. */
export function hasJobTrackingFinalizer(pod: Readonly<Pod>): boolean {
  return pod.metadata.finalizers?.includes(jobTrackingFinalizer) ?? false;
}

/**
 * The Job's pod template with the tracking finalizer (a copy; the template
 * itself if it has it already), so each pod is created with it in one write.
 */
export function withJobTrackingFinalizer(template: Readonly<PodTemplateSpec>): PodTemplateSpec {
  const finalizers = template.metadata?.finalizers ?? [];
  if (finalizers.includes(jobTrackingFinalizer)) return template;
  return { ...template, metadata: { ...template.metadata, finalizers: [...finalizers, jobTrackingFinalizer] } };
}

/**
 * Ended for the Job's counters: Succeeded, Failed, or being deleted. A pod
 * deleted before it finished counts as failed (Kubernetes does the same,
 * so an orphaned or evicted pod is not silently forgotten).
 */
function isPodTerminated(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined;
}

/**
 * At most this many UIDs are recorded per sync (Kubernetes' `MaxUncountedPods`),
 * bounding the Job's size; the rest wait for the next sync, which the
 * released pods' events trigger.
 */
export const maxUncountedPods = 500;

/** `status.uncountedTerminatedPods` with both lists present. */
export type UncountedPods = Required<UncountedTerminatedPods>;

/** What the first status write of a sync records: the pods found terminated, before any finalizer is removed. */
export interface RecordedPods {
  uncounted: UncountedPods;
  /** Indexed mode: every completed index, from status and the newly succeeded pods. */
  completedIndexes?: Set<number>;
  /** Something new was recorded: it must be written before finalizers are removed. */
  changed: boolean;
  /**
   * UIDs whose finalizer may go once this is written: the pods recorded
   * now or before, and the ones that never count (an Indexed pod without a
   * valid index, or for an index already done). A terminated pod past the
   * `maxUncountedPods` cap is not among them: it keeps its finalizer.
   */
  releasable: Set<string>;
  /** Terminated pods were left for the next sync by the `maxUncountedPods` cap: the Job cannot finish yet. */
  overflow: boolean;
}

/**
 * Step 1 of finalizer tracking: adds the terminated pods among `tracked`
 * (pods still holding the finalizer) to the Job's uncounted UIDs. An
 * Indexed Job's succeeded pods go straight into its completed indexes
 * instead (a set, so counting one twice is harmless), as Kubernetes does.
 *
 * Guarantees: pure; a pod already recorded is not recorded again, so
 * running it twice over the same pods and status changes nothing; at most
 * `maxUncountedPods` UIDs are left uncounted.
 */
export function recordTerminatedPods(job: Readonly<Job>, tracked: readonly Readonly<Pod>[]): RecordedPods {
  const previous = job.status?.uncountedTerminatedPods;
  const uncounted: UncountedPods = {
    succeeded: [...(previous?.succeeded ?? [])],
    failed: [...(previous?.failed ?? [])],
  };
  const recorded = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const unrecorded = tracked.filter((p) => isPodTerminated(p) && !recorded.has(p.metadata.uid ?? ''));
  const fresh = unrecorded.slice(0, Math.max(0, maxUncountedPods - recorded.size));
  const overflow = fresh.length < unrecorded.length;
  const succeeded = fresh.filter((p) => p.status?.phase === 'Succeeded');
  const failed = fresh.filter((p) => p.status?.phase !== 'Succeeded');
  const uids = (pods: readonly Readonly<Pod>[]) => pods.map((p) => p.metadata.uid ?? '');
  const releasable = new Set([...recorded, ...uids(fresh)]);
  if (job.spec.completionMode !== 'Indexed') {
    uncounted.succeeded.push(...uids(succeeded));
    uncounted.failed.push(...uids(failed));
    return { uncounted, changed: fresh.length > 0, releasable, overflow };
  }
  // A failed pod without a valid index never counted for an Indexed Job in Kubernetes either.
  const completions = job.spec.completions ?? 1;
  uncounted.failed.push(...uids(failed.filter((p) => podIndex(p, completions) !== undefined)));
  const before = completedIndexes(job, []).size;
  const done = completedIndexes(job, succeeded);
  const changed = uncounted.failed.length > (previous?.failed?.length ?? 0) || done.size > before;
  return { uncounted, completedIndexes: done, changed, releasable, overflow };
}

/**
 * Step 3 of finalizer tracking: moves the uncounted UIDs whose pods no
 * longer hold the finalizer (`holding` lists the UIDs that still do) into
 * the `succeeded` and `failed` counters.
 *
 * Guarantees: pure; the counters and the UID lists change together, so a
 * status write of the result counts each pod exactly once.
 */
export function countReleasedPods(
  counters: { succeeded: number; failed: number },
  uncounted: UncountedPods,
  holding: ReadonlySet<string>,
): { succeeded: number; failed: number; uncounted: UncountedPods } {
  const released = (uids: string[]) => uids.filter((uid) => !holding.has(uid)).length;
  return {
    succeeded: counters.succeeded + released(uncounted.succeeded),
    failed: counters.failed + released(uncounted.failed),
    uncounted: {
      succeeded: uncounted.succeeded.filter((uid) => holding.has(uid)),
      failed: uncounted.failed.filter((uid) => holding.has(uid)),
    },
  };
}
