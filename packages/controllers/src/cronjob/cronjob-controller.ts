import {
  type CronJob,
  getControllerOf,
  isReason,
  type Job,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  setControllerReference,
  TerminalError,
  toTimestamp,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';
import { isJobFinished } from '../job/job-controller.js';
import {
  type CronSchedule,
  jobNameFor,
  mostRecentUnmetTime,
  parseCronSchedule,
  tooManyMissedRuns,
} from './schedule.js';

/** Annotation on each Job a CronJob creates: the scheduled time it runs for (RFC 3339). */
export const cronJobScheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

type ActiveRef = NonNullable<NonNullable<CronJob['status']>['active']>[number];

const jobSucceeded = (job: Readonly<Job>) =>
  job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
const jobStart = (job: Readonly<Job>) => Date.parse(job.status?.startTime ?? job.metadata.creationTimestamp ?? '') || 0;
const refTo = (job: Readonly<Job>): ActiveRef => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  namespace: job.metadata.namespace,
  name: job.metadata.name,
  uid: job.metadata.uid,
});

/**
 * Creates Jobs on a cron schedule: Kubernetes' CronJob controller (v2) as a
 * Reconciler, every time decision taken on the Clock.
 *
 * One sync: refresh `status.active` from the Jobs the CronJob controls
 * (finished ones leave it, and a Complete one moves `lastSuccessfulTime`);
 * delete finished Jobs beyond `successfulJobsHistoryLimit` (3) and
 * `failedJobsHistoryLimit` (1), oldest first; then, unless suspended, find
 * the most recent unmet scheduled time since `lastScheduleTime` (or
 * creation), bounded by `startingDeadlineSeconds`, and run it: only that one
 * time, however many were missed (a Warning Event `TooManyMissedTimes` past
 * 100). `concurrencyPolicy` decides what happens while a Job is active:
 * Allow runs alongside, Forbid skips (the time stays unmet, so it still runs
 * later if the deadline allows), Replace deletes the active Jobs first. The
 * Job is named `<cronjob>-<scheduled unix minutes>`. The sync returns
 * `requeueAfterMs` up to the next scheduled time, so no event is needed to
 * wake it.
 *
 * Guarantees: one scheduled time makes at most one Job, even across
 * controller restarts (the deterministic name makes a second create fail
 * with AlreadyExists, which counts as done).
 *
 * Caveats: an unparseable schedule is a TerminalError (a Warning Event
 * `InvalidSchedule` says why); the sync is retried when the CronJob changes.
 */
export class CronJobReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const cj = this.ctx.informers.for<CronJob>('CronJob').cache.get(req.namespace, req.name);
    if (!cj) return undefined;
    const jobs = this.ctx.informers
      .for<Job>('Job')
      .cache.list({ namespace: req.namespace })
      .filter((j) => getControllerOf(j)?.uid === cj.metadata.uid);
    let status = await this.refreshActive(cj, jobs);
    await this.cleanupHistory(cj, jobs);
    if (cj.metadata.deletionTimestamp || cj.spec.suspend) return this.writeStatus(cj, status, undefined);

    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(cj.spec.schedule, cj.spec.timeZone, cj.metadata.name);
    } catch (err) {
      await this.ctx.events?.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${messageOf(err)}`);
      throw new TerminalError(messageOf(err), { cause: err });
    }
    const now = this.ctx.clock.now();
    const nextTime = schedule.next(now);
    // An unsatisfiable schedule never fires: no timer, only changes to the CronJob wake it.
    const untilNext = nextTime === undefined ? undefined : { requeueAfterMs: Math.max(1, nextTime - now) };
    const earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
    const unmet = mostRecentUnmetTime(schedule, earliest, now, cj.spec.startingDeadlineSeconds);
    if (unmet.missed === 'many') {
      await this.ctx.events?.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times (more than ${tooManyMissedRuns}); set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    const scheduled = unmet.scheduled;
    if (scheduled === undefined) return this.writeStatus(cj, status, untilNext);
    const name = jobNameFor(cj.metadata.name, scheduled);
    if (jobs.some((j) => j.metadata.name === name)) return this.writeStatus(cj, status, untilNext);

    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    const active = status.active ?? [];
    if (policy === 'Forbid' && active.length > 0) {
      await this.ctx.events?.event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return this.writeStatus(cj, status, untilNext);
    }
    if (policy === 'Replace' && active.length > 0) {
      await Promise.all(active.map((ref) => this.deleteJob(cj, ref.name, ref.uid)));
      status = { ...status, active: [] };
    }
    const created = await this.createJob(cj, name, scheduled);
    status = {
      ...status,
      active: [...(status.active ?? []).filter((r) => r.name !== name), refTo(created)],
      lastScheduleTime: toTimestamp(scheduled),
    };
    return this.writeStatus(cj, status, untilNext);
  }

  /** `status.active` without finished or vanished Jobs and with any running Job of ours it missed. */
  private async refreshActive(
    cj: Readonly<CronJob>,
    jobs: readonly Readonly<Job>[],
  ): Promise<NonNullable<CronJob['status']>> {
    const status = { ...cj.status };
    const byName = new Map(jobs.map((j) => [j.metadata.name, j]));
    const wasActive = new Set((status.active ?? []).map((r) => r.name));
    for (const j of jobs) {
      if (!wasActive.has(j.metadata.name) || !isJobFinished(j)) continue;
      const outcome = jobSucceeded(j) ? 'Complete' : 'Failed';
      await this.ctx.events?.event(
        cj,
        'Normal',
        'SawCompletedJob',
        `Saw completed job: ${j.metadata.name}, status: ${outcome}`,
      );
      const done = Date.parse(j.status?.completionTime ?? '');
      if (outcome === 'Complete' && !Number.isNaN(done)) {
        const last = Date.parse(status.lastSuccessfulTime ?? '');
        if (Number.isNaN(last) || done > last) status.lastSuccessfulTime = toTimestamp(done);
      }
    }
    const stillActive = (status.active ?? []).filter((r) => {
      const j = byName.get(r.name);
      return j !== undefined && j.metadata.uid === r.uid && !isJobFinished(j);
    });
    const missing = jobs.filter((j) => !isJobFinished(j) && !stillActive.some((r) => r.name === j.metadata.name));
    status.active = [...stillActive, ...missing.map(refTo)];
    return status;
  }

  /** Deletes the oldest finished Jobs beyond the history limits (Kubernetes' `cleanupFinishedJobs`). */
  private async cleanupHistory(cj: Readonly<CronJob>, jobs: readonly Readonly<Job>[]): Promise<void> {
    const finished = jobs.filter((j) => isJobFinished(j) && !j.metadata.deletionTimestamp);
    const prune = (list: Readonly<Job>[], limit: number) =>
      [...list].sort((a, b) => jobStart(a) - jobStart(b)).slice(0, Math.max(0, list.length - limit));
    const victims = [
      ...prune(finished.filter(jobSucceeded), cj.spec.successfulJobsHistoryLimit ?? 3),
      ...prune(
        finished.filter((j) => !jobSucceeded(j)),
        cj.spec.failedJobsHistoryLimit ?? 1,
      ),
    ];
    await Promise.all(victims.map((j) => this.deleteJob(cj, j.metadata.name, j.metadata.uid)));
  }

  private async deleteJob(cj: Readonly<CronJob>, name: string, uid: string | undefined): Promise<void> {
    try {
      await this.ctx.api
        .resource('Job')
        .delete(cj.metadata.namespace ?? 'default', name, { propagationPolicy: 'Background', preconditions: { uid } });
      await this.ctx.events?.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
    } catch (err) {
      if (isReason(err, 'NotFound')) return;
      await this.ctx.events?.event(cj, 'Warning', 'FailedDelete', `Error deleting job: ${messageOf(err)}`);
      throw err;
    }
  }

  private async createJob(cj: Readonly<CronJob>, name: string, scheduled: number): Promise<Readonly<Job>> {
    const template = cj.spec.jobTemplate;
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...template.metadata?.labels },
        annotations: {
          ...template.metadata?.annotations,
          [cronJobScheduledTimestampAnnotation]: toTimestamp(scheduled),
        },
      },
      spec: structuredClone(template.spec),
    };
    const jobs = this.ctx.api.resource('Job');
    try {
      const created = await jobs.create(setControllerReference(cj, job));
      await this.ctx.events?.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return created;
    } catch (err) {
      if (isReason(err, 'AlreadyExists')) {
        // A previous sync (perhaps of a controller that crashed before writing status) already ran this time.
        const existing = await jobs.get(cj.metadata.namespace ?? 'default', name);
        if (getControllerOf(existing)?.uid === cj.metadata.uid) return existing;
      }
      await this.ctx.events?.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${messageOf(err)}`);
      throw err;
    }
  }

  private async writeStatus(
    cj: Readonly<CronJob>,
    status: NonNullable<CronJob['status']>,
    result: ReconcileResult | undefined,
  ): Promise<ReconcileResult | undefined> {
    if (JSON.stringify(status) !== JSON.stringify(cj.status ?? {})) {
      await this.ctx.api.resource('CronJob').updateStatus({ ...structuredClone(cj), status });
    }
    return result;
  }
}
