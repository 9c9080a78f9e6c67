import {
  getControllerOf,
  type Job,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  removeFinalizer,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { isJobFinished } from './job-controller.js';
import { hasJobTrackingFinalizer, jobTrackingFinalizer } from './job-tracking.js';

/**
 * True when no running Job will ever count this pod: it has no Job as
 * controller, its Job is gone (or replaced by one of the same name), or its
 * Job is finished.
 */
function isOrphanJobPod(pod: Readonly<Pod>, lookupJob: (namespace: string, name: string) => Job | undefined): boolean {
  const ref = getControllerOf(pod);
  if (!ref || ref.kind !== 'Job') return true;
  const job = lookupJob(pod.metadata.namespace ?? 'default', ref.name);
  return !job || job.metadata.uid !== ref.uid || isJobFinished(job);
}

/**
 * Removes the `batch.kubernetes.io/job-tracking` finalizer from pods no
 * Job will count (Kubernetes' orphan-pod sync in the Job controller): the
 * Job was deleted, orphaned them, or finished. Keyed by pod.
 *
 * Guarantees: a pod whose live, unfinished Job controls it is never
 * touched, so counting stays with the Job controller; idempotent.
 *
 * Caveats: needs Pod and Job informers; `registerJobController` wires it
 * to Pod events and to Job events (a deleted or finished Job wakes its pods).
 */
export class JobOrphanPodReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const pod = this.ctx.informers.for<Pod>('Pod').cache.get(req.namespace, req.name);
    if (!pod || !hasJobTrackingFinalizer(pod)) return undefined;
    const jobs = this.ctx.informers.for<Job>('Job').cache;
    if (!isOrphanJobPod(pod, (namespace, name) => jobs.get(namespace, name))) return undefined;
    await removeFinalizer(this.ctx.api.resource('Pod'), pod, jobTrackingFinalizer);
    return undefined;
  }
}
