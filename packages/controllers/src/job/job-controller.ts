import {
  type Condition,
  compileLabelSelector,
  getControllerOf,
  isReason,
  type Job,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  removeFinalizer,
  TerminalError,
  toTimestamp,
} from '@flotilla/core';
import { getCondition, setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { claimObjects } from '../pod-control/pod-claim.js';
import type { PodEventType } from '../pod-control/pod-events.js';
import { podFromTemplate } from '../pod-control/pod-from-template.js';
import { PodOwnerReconciler } from '../pod-control/pod-owner-reconciler.js';
import { isPodReady } from '../pod-control/pod-state.js';
import { podsToDelete } from '../replicaset/pod-deletion-order.js';
import { msUntilNextPod } from './backoff.js';
import { completionIndexEnv, completionIndexKey, formatIndexRanges, indexesToStart } from './completion-index.js';
import { FinalizerRemovals } from './finalizer-removals.js';
import { classifyJobPods, containerRestarts, type JobPods, podIndex, recentFailures } from './job-pods.js';
import {
  countReleasedPods,
  hasJobTrackingFinalizer,
  jobTrackingFinalizer,
  type RecordedPods,
  recordTerminatedPods,
  withJobTrackingFinalizer,
} from './job-tracking.js';

/** Reasons the Job controller writes on conditions and Events (Kubernetes' names). */
export const JobReason = {
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  CompletionsReached: 'CompletionsReached',
  JobSuspended: 'JobSuspended',
  JobResumed: 'JobResumed',
} as const;

/** How a Job ended. */
interface Outcome {
  type: 'Complete' | 'Failed';
  reason: string;
  message: string;
}

/** True when the Job has a Complete or Failed condition that is True: it will never run pods again. */
export function isJobFinished(job: Readonly<Job>): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/**
 * Runs a Job's pods to completion: Kubernetes' Job controller as a Reconciler.
 *
 * One sync: claim the pods the Job's selector covers; decide whether the
 * Job has failed (more failed pods than `backoffLimit`, or running longer
 * than `activeDeadlineSeconds` since `startTime`) or completed (NonIndexed:
 * `completions` pods succeeded, or with no `completions` one succeeded and
 * none is active; Indexed: every index in `[0, completions)` succeeded);
 * otherwise keep `min(parallelism, remaining)` pods active, waiting out the
 * pod-failure backoff (10 s doubling, capped at 10 min, reset by a success)
 * before replacing a failed pod. Indexed pods carry their index in the
 * `batch.kubernetes.io/job-completion-index` annotation and label, in the
 * `JOB_COMPLETION_INDEX` variable of every container, and in their hostname
 * `<job>-<index>`. Suspending deletes the active pods and clears
 * `startTime`; a finished Job's active pods are deleted, and with
 * `ttlSecondsAfterFinished` the Job itself is deleted (foreground, so its
 * pods go first) that long after it finished.
 *
 * Pods are tracked as Kubernetes does since 1.26: each is created with
 * the `batch.kubernetes.io/job-tracking` finalizer, so it cannot vanish
 * uncounted. A sync records the pods it finds terminated (Succeeded,
 * Failed, or deleted before finishing, which counts as a failure) in
 * `status.uncountedTerminatedPods` (an Indexed Job's successes go straight
 * into `completedIndexes`), then removes their finalizer, then moves them
 * into `succeeded` / `failed` in a second status write. Pods the controller
 * deletes itself (surplus, suspension, a finished Job's active pods) lose
 * the finalizer first and are not failures. Complete / Failed is written
 * only once nothing is left uncounted.
 *
 * Guarantees: level-triggered; expectations keep a lagging cache from
 * creating or deleting twice; a pod is counted exactly once, whenever the
 * controller crashes between the three steps (each is recomputed from the
 * pods and the status, and status writes are compare-and-swap);
 * `succeeded` and `failed` never decrease; a finished Job releases every
 * pod it still holds.
 *
 * Caveats: pods without the finalizer (made by something else and adopted)
 * are not counted, as in Kubernetes; the pod-failure backoff is computed
 * from the failed pods still present, so a failed pod deleted at once is
 * replaced without waiting; pods of a deleted Job, or orphaned by one, are
 * released by `JobOrphanPodReconciler`, which `registerJobController`
 * starts; pod events must be forwarded to `observePodEvent` (as
 * `registerJobController` does).
 */
export class JobReconciler extends PodOwnerReconciler<Job> {
  /** Finalizer removals written but not yet seen in the pod cache. */
  private readonly removals = new FinalizerRemovals();

  constructor(ctx: ControllerContext) {
    super(ctx, 'Job');
  }

  override observePodEvent(type: PodEventType, pod: Readonly<Pod>, old?: Readonly<Pod>): string | undefined {
    const key = super.observePodEvent(type, pod, old);
    if (key) this.removals.observe(key, type, pod);
    return key;
  }

  /** Reconciles one Job; a Job gone from the cache also drops its record of finalizer removals. */
  override async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    if (!this.ctx.informers.for<Job>('Job').cache.get(req.namespace, req.name)) {
      this.removals.forget(`${req.namespace}/${req.name}`);
    }
    return super.reconcile(req);
  }

  protected async sync(job: Readonly<Job>, key: string, req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const candidates = this.ctx.informers.for<Pod>('Pod').cache.list({ namespace: req.namespace });
    if (isJobFinished(job)) {
      // Whatever a finished Job still holds is no longer counted: let those pods go.
      const held = candidates.filter((p) => getControllerOf(p)?.uid === job.metadata.uid && hasJobTrackingFinalizer(p));
      const { error } = await this.releasePods(key, held);
      if (error) throw error;
      return this.expireAfterFinish(job);
    }
    if (!job.spec.selector) {
      throw new TerminalError(`Job ${key} has no spec.selector; create it through the Api so it is defaulted`);
    }
    const owned = await claimObjects(
      job,
      compileLabelSelector(job.spec.selector),
      candidates,
      this.ctx.api.resource('Pod'),
    );
    const pods = classifyJobPods(owned);
    const tracked = owned.filter(
      (p) => hasJobTrackingFinalizer(p) && !this.removals.pending(key, p.metadata.uid ?? ''),
    );
    const recorded = recordTerminatedPods(job, tracked);
    const done = recorded.completedIndexes;
    const succeeded = done ? done.size : (job.status?.succeeded ?? 0) + recorded.uncounted.succeeded.length;
    const failed = (job.status?.failed ?? 0) + recorded.uncounted.failed.length;
    const suspended = job.spec.suspend === true;
    const now = this.ctx.clock.now();
    const startTime = suspended ? undefined : (job.status?.startTime ?? toTimestamp(now));

    const outcome = suspended ? undefined : this.outcome(job, pods, succeeded, failed, startTime, now);
    let active = pods.active.length;
    let wait: number | undefined;
    if (outcome || suspended) {
      await this.deletePods(job, key, pods.active);
      active = 0;
    } else if (this.expectations.satisfied(key) && !job.metadata.deletionTimestamp) {
      const managed = await this.managePods(job, key, pods, succeeded, done);
      active += managed.created - managed.deleted;
      wait = managed.waitMs;
    }

    const { stored, finished } = await this.countTerminatedPods(job, key, tracked, recorded, outcome, {
      conditions: this.conditions(job, undefined, suspended, now),
      ...(startTime ? { startTime } : {}),
      active,
      succeeded: done ? done.size : (job.status?.succeeded ?? 0),
      failed: job.status?.failed ?? 0,
      ready: outcome || suspended ? 0 : pods.active.filter(isPodReady).length,
      ...(done ? { completedIndexes: formatIndexRanges(done) } : {}),
      uncountedTerminatedPods: recorded.uncounted,
    });
    if (finished) return this.expireAfterFinish(stored);
    const deadline = this.msUntilDeadline(job, startTime, now);
    const waits = [wait, deadline].filter((w): w is number => w !== undefined);
    return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  /**
   * The three steps of finalizer tracking, given the sync's status with the
   * pods just recorded (`recording`): write it if anything new was
   * recorded, release the recorded pods, then write the status with the
   * released ones counted, and with the outcome once nothing is left
   * uncounted. Returns the Job as stored and the outcome written, if any.
   */
  private async countTerminatedPods(
    job: Readonly<Job>,
    key: string,
    tracked: readonly Readonly<Pod>[],
    recorded: RecordedPods,
    outcome: Outcome | undefined,
    recording: NonNullable<Job['status']>,
  ): Promise<{ stored: Readonly<Job>; finished?: Outcome }> {
    const recordedJob = recorded.changed ? await this.updateStatus(job, recording) : job;
    const uid = (p: Readonly<Pod>) => p.metadata.uid ?? '';
    const release = await this.releasePods(
      key,
      tracked.filter((p) => recorded.releasable.has(uid(p))),
    );
    const holding = new Set(tracked.map(uid).filter((u) => !release.released.has(u)));
    const counters = { succeeded: recording.succeeded ?? 0, failed: recording.failed ?? 0 };
    const tally = countReleasedPods(counters, recorded.uncounted, holding);
    const left = tally.uncounted.succeeded.length + tally.uncounted.failed.length;
    // Declared finished only once every pod is counted, so the final counters are exact.
    const finished = left === 0 && !recorded.overflow ? outcome : undefined;
    const suspended = job.spec.suspend === true;
    const now = this.ctx.clock.now();
    const status: NonNullable<Job['status']> = {
      ...recording,
      conditions: this.conditions(job, finished, suspended, now),
      ...(finished?.type === 'Complete' ? { completionTime: toTimestamp(now) } : {}),
      succeeded: tally.succeeded,
      failed: tally.failed,
      uncountedTerminatedPods: tally.uncounted,
    };
    const stored = await this.writeStatus(job, recordedJob, status, finished, suspended);
    if (release.error) throw release.error;
    return { stored, ...(finished ? { finished } : {}) };
  }

  private outcome(
    job: Readonly<Job>,
    pods: JobPods,
    succeeded: number,
    failed: number,
    startTime: string | undefined,
    now: number,
  ): Outcome | undefined {
    // With restartPolicy OnFailure, failures are container restarts inside the active pods (Kubernetes' `pastBackoffLimitOnFailure`).
    const restarts =
      job.spec.template.spec.restartPolicy === 'OnFailure'
        ? pods.active.reduce((n, p) => n + containerRestarts(p), 0)
        : 0;
    if (failed + restarts > (job.spec.backoffLimit ?? 6)) {
      return {
        type: 'Failed',
        reason: JobReason.BackoffLimitExceeded,
        message: 'Job has reached the specified backoff limit',
      };
    }
    if (this.msUntilDeadline(job, startTime, now) === 0) {
      return {
        type: 'Failed',
        reason: JobReason.DeadlineExceeded,
        message: 'Job was active longer than specified deadline',
      };
    }
    const completions = job.spec.completions;
    const complete = completions === undefined ? succeeded > 0 && pods.active.length === 0 : succeeded >= completions;
    return complete
      ? { type: 'Complete', reason: JobReason.CompletionsReached, message: 'Reached expected number of succeeded pods' }
      : undefined;
  }

  /** Time left before `activeDeadlineSeconds` runs out (0 when it has), undefined without a deadline. */
  private msUntilDeadline(job: Readonly<Job>, startTime: string | undefined, now: number): number | undefined {
    const seconds = job.spec.activeDeadlineSeconds;
    if (seconds === undefined || !startTime) return undefined;
    return Math.max(0, Date.parse(startTime) + seconds * 1000 - now);
  }

  /**
   * Brings the active pods to `min(parallelism, remaining)`: deletes the
   * surplus (Indexed: pods of finished or duplicated indexes first), or
   * creates the missing ones once the failure backoff has passed.
   */
  private async managePods(
    job: Readonly<Job>,
    key: string,
    pods: JobPods,
    succeeded: number,
    done: ReadonlySet<number> | undefined,
  ): Promise<{ created: number; deleted: number; waitMs?: number }> {
    const parallelism = job.spec.parallelism ?? 1;
    const completions = job.spec.completions;
    // Work-queue Jobs (no completions): after a success, let the running pods finish but start no more.
    const want =
      completions === undefined
        ? succeeded > 0
          ? Math.min(parallelism, pods.active.length)
          : parallelism
        : Math.max(0, Math.min(parallelism, completions - succeeded));
    const surplus = done ? this.misindexed(pods.active, completions ?? 1, done) : [];
    const keep = pods.active.filter((p) => !surplus.includes(p));
    const victims = [...surplus, ...podsToDelete(keep, keep.length - want)];
    if (victims.length > 0) {
      await this.deletePods(job, key, victims);
      return { created: 0, deleted: victims.length };
    }
    if (keep.length >= want) return { created: 0, deleted: 0 };
    const failures = recentFailures(pods);
    const waitMs = msUntilNextPod(failures.count, failures.last, this.ctx.clock.now());
    if (waitMs > 0) return { created: 0, deleted: 0, waitMs };
    const running = new Set(keep.map((p) => podIndex(p, completions ?? 1)).filter((i) => i !== undefined));
    const indexes = done ? indexesToStart(completions ?? 1, done, running, want - keep.length) : undefined;
    const count = indexes?.length ?? want - keep.length;
    const created = await this.createPods(job, key, count, indexes);
    return { created, deleted: 0 };
  }

  /** Indexed pods that should not run: no valid index, an index already completed, or a second pod for an index. */
  private misindexed(
    active: readonly Readonly<Pod>[],
    completions: number,
    done: ReadonlySet<number>,
  ): Readonly<Pod>[] {
    const seen = new Set<number>();
    return active.filter((p) => {
      const i = podIndex(p, completions);
      if (i === undefined || done.has(i) || seen.has(i)) return true;
      seen.add(i);
      return false;
    });
  }

  private async createPods(
    job: Readonly<Job>,
    key: string,
    count: number,
    indexes: readonly number[] | undefined,
  ): Promise<number> {
    const name = job.metadata.name;
    const template = withJobTrackingFinalizer(job.spec.template);
    const result = await this.podControl.createPods(job, key, count, (n) => {
      const index = indexes?.[n];
      if (index === undefined) return podFromTemplate(template, job, { generateName: `${name}-` });
      return podFromTemplate(template, job, {
        generateName: `${name}-${index}-`,
        labels: { [completionIndexKey]: String(index) },
        annotations: { [completionIndexKey]: String(index) },
        mutateSpec: (spec) => {
          spec.hostname = `${name}-${index}`;
          for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
            const env = (c.env ?? []).filter((e) => e.name !== completionIndexEnv);
            c.env = [...env, { name: completionIndexEnv, value: String(index) }];
          }
        },
      });
    });
    if (result.error) throw result.error;
    return result.successes;
  }

  /** Deletes pods the Job no longer wants, releasing them first: a pod the controller removes is not a failure. */
  private async deletePods(job: Readonly<Job>, key: string, victims: readonly Readonly<Pod>[]): Promise<void> {
    const release = await this.releasePods(key, victims.filter(hasJobTrackingFinalizer));
    if (release.error) throw release.error;
    const error = await this.podControl.deletePods(job, key, victims);
    if (error) throw error;
  }

  /**
   * Removes the tracking finalizer from `pods`, noting each removal as
   * expected until the informer shows it. Returns the UIDs released (a pod
   * already gone counts: nothing holds it) and the first error, if any.
   */
  private async releasePods(
    key: string,
    pods: readonly Readonly<Pod>[],
  ): Promise<{ released: Set<string>; error?: unknown }> {
    const client = this.ctx.api.resource('Pod');
    this.removals.expect(
      key,
      pods.map((p) => p.metadata.uid ?? ''),
    );
    const results = await Promise.allSettled(pods.map((p) => removeFinalizer(client, p, jobTrackingFinalizer)));
    const released = new Set<string>();
    let error: unknown;
    results.forEach((result, i) => {
      const uid = pods[i].metadata.uid ?? '';
      if (result.status === 'fulfilled') {
        released.add(uid);
        if (!result.value) this.removals.settle(key, uid);
      } else {
        this.removals.settle(key, uid);
        error ??= result.reason;
      }
    });
    return { released, ...(error === undefined ? {} : { error }) };
  }

  private conditions(job: Readonly<Job>, outcome: Outcome | undefined, suspended: boolean, now: number): Condition[] {
    const at = toTimestamp(now);
    let conditions = job.status?.conditions ?? [];
    const wasSuspended = getCondition(conditions, 'Suspended')?.status === 'True';
    if (suspended) {
      conditions = setCondition(conditions, {
        type: 'Suspended',
        status: 'True',
        reason: JobReason.JobSuspended,
        message: 'Job suspended',
        lastProbeTime: at,
        lastTransitionTime: at,
      });
    } else if (wasSuspended) {
      conditions = setCondition(conditions, {
        type: 'Suspended',
        status: 'False',
        reason: JobReason.JobResumed,
        message: 'Job resumed',
        lastProbeTime: at,
        lastTransitionTime: at,
      });
    }
    if (outcome) {
      conditions = setCondition(conditions, {
        type: outcome.type,
        status: 'True',
        reason: outcome.reason,
        message: outcome.message,
        lastProbeTime: at,
        lastTransitionTime: at,
      });
    }
    return conditions;
  }

  /** Writes a Job's status with compare-and-swap, so a sync working from a stale Job fails instead of miscounting. */
  private updateStatus(job: Readonly<Job>, status: NonNullable<Job['status']>): Promise<Job> {
    return this.ctx.api.resource('Job').updateStatus({ ...structuredClone(job), status });
  }

  /**
   * Writes the sync's final status over `stored` (the Job as last written)
   * when it differs, and records the Events of the transitions since `job`
   * (the Job the sync started from). Returns the Job as stored.
   */
  private async writeStatus(
    job: Readonly<Job>,
    stored: Readonly<Job>,
    status: NonNullable<Job['status']>,
    outcome: Outcome | undefined,
    suspended: boolean,
  ): Promise<Readonly<Job>> {
    const same = (other: Job['status']) => JSON.stringify(status) === JSON.stringify(other ?? {});
    const written = same(stored.status) ? stored : await this.updateStatus(stored, status);
    if (same(job.status)) return written;
    const wasSuspended = getCondition(job.status?.conditions, 'Suspended')?.status === 'True';
    if (suspended && !wasSuspended) await this.ctx.events?.event(job, 'Normal', 'Suspended', 'Job suspended');
    if (!suspended && wasSuspended) await this.ctx.events?.event(job, 'Normal', 'Resumed', 'Job resumed');
    if (outcome?.type === 'Complete') await this.ctx.events?.event(job, 'Normal', 'Completed', 'Job completed');
    if (outcome?.type === 'Failed') await this.ctx.events?.event(job, 'Warning', outcome.reason, outcome.message);
    return written;
  }

  /** `ttlSecondsAfterFinished`: deletes the finished Job once its time is up, else asks to come back then. */
  private async expireAfterFinish(job: Readonly<Job>): Promise<ReconcileResult | undefined> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || job.metadata.deletionTimestamp) return undefined;
    const finishedCondition = job.status?.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const finished = Date.parse(job.status?.completionTime ?? finishedCondition?.lastTransitionTime ?? '');
    const expiresAt = (Number.isNaN(finished) ? this.ctx.clock.now() : finished) + ttl * 1000;
    const left = expiresAt - this.ctx.clock.now();
    if (left > 0) return { requeueAfterMs: left };
    await this.ctx.api
      .resource('Job')
      .delete(job.metadata.namespace ?? 'default', job.metadata.name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: job.metadata.uid },
      })
      .catch((err: unknown) => {
        if (!isReason(err, 'NotFound')) throw err;
      });
    return undefined;
  }
}
