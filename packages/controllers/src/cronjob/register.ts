import type { ClusterApi, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { CronJobReconciler } from './cronjob-controller.js';

/** Adds the CronJob controller (default 5 workers, `--concurrent-cron-job-syncs`); it owns Jobs. */
export function registerCronJobController(manager: Manager<ClusterApi>, opts: RegisterOptions = {}): CronJobReconciler {
  const reconciler = new CronJobReconciler(managerContext(manager, 'cronjob', 'cronjob-controller'));
  manager
    .controller('cronjob')
    .for('CronJob')
    .owns('Job')
    .concurrency(opts.concurrency ?? 5)
    .reconcile(reconciler);
  return reconciler;
}
