import type { CronJob, Job } from '../model/batch-v1.js';
import { defaultPodSpec } from './pod.js';

/** Label (and selector key) tying a Job's pods to the Job's uid. */
export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** Label carrying the Job's name on its pods. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** The pre-1.27 labels Kubernetes still sets beside the `batch.kubernetes.io/` ones, so old selectors keep matching. */
const LEGACY_JOB_NAME_LABEL = 'job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

/**
 * Kubernetes' Job defaults: with neither completions nor parallelism set both
 * become 1 (a work-queue Job with only parallelism keeps completions unset);
 * backoffLimit 6, completionMode NonIndexed, suspend false. Unless
 * `manualSelector` is true, the selector is generated from the Job's uid and
 * the template gets the matching `batch.kubernetes.io/controller-uid` and
 * `batch.kubernetes.io/job-name` labels, and the legacy `controller-uid`
 * and `job-name` ones unless the template sets them (as Kubernetes' Job
 * strategy does).
 *
 * Caveats: needs `metadata.uid`, which the Api assigns before defaulting; the
 * template's restartPolicy is defaulted to Always like any pod spec, which
 * validation then rejects for Jobs: Jobs must say OnFailure or Never.
 */
export function defaultJob(job: Job): void {
  if (!job.spec) return;
  const spec = job.spec;
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  const uid = job.metadata.uid;
  if (spec.manualSelector !== true && uid && spec.template) {
    spec.selector ??= { matchLabels: { [JOB_CONTROLLER_UID_LABEL]: uid } };
    spec.template.metadata ??= {};
    spec.template.metadata.labels = {
      [LEGACY_JOB_NAME_LABEL]: job.metadata.name,
      [LEGACY_CONTROLLER_UID_LABEL]: uid,
      ...spec.template.metadata.labels,
      [JOB_CONTROLLER_UID_LABEL]: uid,
      [JOB_NAME_LABEL]: job.metadata.name,
    };
  }
  defaultPodSpec(spec.template?.spec);
}

/** CronJob: concurrency Allow, not suspended, keep 3 successful and 1 failed Job; template pod-spec defaults. */
export function defaultCronJob(cj: CronJob): void {
  if (!cj.spec) return;
  const spec = cj.spec;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodSpec(spec.jobTemplate?.spec?.template?.spec);
}
