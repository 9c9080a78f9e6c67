import { AlreadyExistsError, NotFoundError } from '@flotilla/core';
import { simulate } from '@flotilla/scheduler';
import { type Job, jobPod, type Worker, workerNode } from './dispatch-model.js';

/** Where a job went, or why it could not go anywhere. */
export type Placement =
  | { job: string; placed: true; worker: string }
  | { job: string; placed: false; reasons: string[]; message: string };

/**
 * The dispatch service's brain: keeps the registered workers and the jobs
 * placed on them, and asks the scheduling framework (`simulate()`, the
 * same plugins as kube-scheduler) where each new job fits, given what
 * already runs.
 *
 * Guarantees: submissions are decided one at a time, each seeing every
 * earlier placement, so two jobs never take the same room; a job that fits
 * nowhere is not kept and comes back with the scheduler's reasons.
 *
 * Caveats: state is in memory; a worker that leaves takes its jobs with it
 * (the caller resubmits them).
 */
export class Dispatcher {
  private readonly workers = new Map<string, Worker>();
  private readonly running = new Map<string, { job: Job; worker: string }>();
  /** The tail of the queue of decisions: each waits for the previous one. */
  private decisions: Promise<unknown> = Promise.resolve();

  /** Adds or replaces a worker. */
  registerWorker(worker: Worker): void {
    this.workers.set(worker.name, worker);
  }

  /** Removes a worker and forgets the jobs on it; returns their names so they can be resubmitted. */
  removeWorker(name: string): string[] {
    if (!this.workers.delete(name)) throw new NotFoundError({ resource: 'workers', name });
    const lost = [...this.running.values()].filter((r) => r.worker === name).map((r) => r.job.name);
    for (const job of lost) this.running.delete(job);
    return lost;
  }

  /** Places `job` on the best worker, or reports why none fits. */
  submit(job: Job): Promise<Placement> {
    const decision = this.decisions.then(() => this.place(job));
    this.decisions = decision.catch(() => undefined);
    return decision;
  }

  /** Marks a job finished, freeing its room. */
  complete(name: string): void {
    if (!this.running.delete(name)) throw new NotFoundError({ resource: 'jobs', name });
  }

  /** Every running job and its worker. */
  placements(): { job: string; worker: string }[] {
    return [...this.running.values()].map((r) => ({ job: r.job.name, worker: r.worker }));
  }

  // #region place
  private async place(job: Job): Promise<Placement> {
    if (this.running.has(job.name)) throw new AlreadyExistsError({ resource: 'jobs', name: job.name });
    const result = await simulate({
      nodes: [...this.workers.values()].map(workerNode),
      pods: [...[...this.running.values()].map((r) => jobPod(r.job, r.worker)), jobPod(job)],
    });
    const placed = result.placements.find((p) => p.pod.metadata.name === job.name);
    if (placed) {
      this.running.set(job.name, { job, worker: placed.node });
      return { job: job.name, placed: true, worker: placed.node };
    }
    const refused = result.unschedulable.find((u) => u.pod.metadata.name === job.name);
    return { job: job.name, placed: false, reasons: refused?.reasons ?? [], message: refused?.message ?? '' };
  }
  // #endregion place
}
