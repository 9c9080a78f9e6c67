import { type ClusterApi, getControllerOf, type Job, type Manager, type Pod } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { isJobFinished, JobReconciler } from './job-controller.js';
import { hasJobTrackingFinalizer } from './job-tracking.js';
import { JobOrphanPodReconciler } from './orphan-pods.js';

/**
 * Adds the Job controller (default 5 workers, `--concurrent-job-syncs`); it
 * owns pods and forwards their events to expectations. Also adds
 * `job-orphan-pods`, which releases the tracking finalizer of pods no Job
 * will count, so they can be deleted.
 */
export function registerJobController(manager: Manager<ClusterApi>, opts: RegisterOptions = {}): JobReconciler {
  const reconciler = new JobReconciler(managerContext(manager, 'job', 'job-controller'));
  const pods = manager.informers.for<Pod>('Pod');
  pods.events$.subscribe((e) => {
    reconciler.observePodEvent(e.type, e.object, e.oldObject);
  });
  manager
    .controller('job')
    .for('Job')
    .owns('Pod')
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  manager
    .controller('job-orphan-pods')
    .for('Pod')
    .watches<Job>('Job', (job) =>
      pods.cache
        .list({ namespace: job.metadata.namespace })
        .filter((p) => hasJobTrackingFinalizer(p) && getControllerOf(p)?.uid === job.metadata.uid)
        .map((p) => ({ namespace: p.metadata.namespace, name: p.metadata.name })),
    )
    // Only events that can orphan a held pod: a held pod changing, a Job deleted or finished.
    .withEventFilter((e) =>
      e.object.kind === 'Pod'
        ? hasJobTrackingFinalizer(e.object as Pod)
        : e.type === 'deleted' || isJobFinished(e.object as Job),
    )
    .reconcile(new JobOrphanPodReconciler(managerContext(manager, 'job-orphan-pods', 'job-controller')));
  return reconciler;
}
