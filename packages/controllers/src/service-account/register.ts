import type { ClusterApi, Manager, ServiceAccount } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { DefaultServiceAccountReconciler } from './default-service-account-controller.js';

/** Options of `registerServiceAccountControllers`. */
export type ServiceAccountRegisterOptions = RegisterOptions;

/**
 * Adds the service account controller (`serviceaccount`: a `default`
 * account per namespace). No token Secrets are made, as in Kubernetes since
 * 1.24: pods get a projected, expiring token from the TokenRequest API
 * (`Api.requestToken`), which the node agent mounts and refreshes.
 */
export function registerServiceAccountControllers(
  manager: Manager<ClusterApi>,
  opts: ServiceAccountRegisterOptions = {},
): void {
  manager
    .controller('serviceaccount')
    .for('Namespace')
    .watches<ServiceAccount>('ServiceAccount', (sa) => [{ name: sa.metadata.namespace ?? 'default' }])
    .concurrency(opts.concurrency ?? 1)
    .reconcile(
      new DefaultServiceAccountReconciler(managerContext(manager, 'serviceaccount', 'service-account-controller')),
    );
}
