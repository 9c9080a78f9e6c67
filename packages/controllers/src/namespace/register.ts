import type { ClusterApi, Manager } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { NamespaceReconciler } from './namespace-controller.js';

/** Adds the namespace controller (`namespace`, 10 workers by default as `--concurrent-namespace-syncs`). */
export function registerNamespaceController(
  manager: Manager<ClusterApi>,
  opts: RegisterOptions = {},
): NamespaceReconciler {
  const reconciler = new NamespaceReconciler(managerContext(manager, 'namespace', 'namespace-controller'));
  manager
    .controller('namespace')
    .for('Namespace')
    .concurrency(opts.concurrency ?? 10)
    .reconcile(reconciler);
  return reconciler;
}
