import type { Manager, Pod } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { JobReconciler } from './job-controller.js';

/** Adds the Job controller (default 5 workers, `--concurrent-job-syncs`); it owns pods and forwards their events to expectations. */
export function registerJobController(manager: Manager, opts: RegisterOptions = {}): JobReconciler {
  const reconciler = new JobReconciler(managerContext(manager, 'job', 'job-controller'));
  manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
    reconciler.observePodEvent(e.type, e.object, e.oldObject);
  });
  manager
    .controller('job')
    .for('Job')
    .owns('Pod')
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  return reconciler;
}
