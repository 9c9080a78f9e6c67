import type { Manager, Secret, ServiceAccount } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { DefaultServiceAccountReconciler } from './default-service-account-controller.js';
import { SERVICE_ACCOUNT_NAME_ANNOTATION, TokenReconciler } from './token-controller.js';
import { generateServiceAccountKey, type ServiceAccountKey } from './token-signing.js';

/** Options of `registerServiceAccountControllers`. */
export interface ServiceAccountRegisterOptions extends RegisterOptions {
  /**
   * The cluster key tokens are signed with. Default: a random HS256 key for
   * this process (tokens then stop verifying after a restart; pass a kept
   * key for anything that lives longer).
   */
  key?: ServiceAccountKey;
}

/**
 * Adds the service account controller (`serviceaccount`: a `default`
 * account per namespace) and the token controller (`serviceaccount-token`:
 * token Secrets signed with the cluster key). Returns the key, to verify
 * tokens with `verifyServiceAccountToken`.
 */
export function registerServiceAccountControllers(
  manager: Manager,
  opts: ServiceAccountRegisterOptions = {},
): { key: ServiceAccountKey } {
  const key = opts.key ?? generateServiceAccountKey();
  manager
    .controller('serviceaccount')
    .for('Namespace')
    .watches<ServiceAccount>('ServiceAccount', (sa) => [{ name: sa.metadata.namespace ?? 'default' }])
    .concurrency(opts.concurrency ?? 1)
    .reconcile(
      new DefaultServiceAccountReconciler(managerContext(manager, 'serviceaccount', 'service-account-controller')),
    );
  manager
    .controller('serviceaccount-token')
    .for('ServiceAccount')
    .watches<Secret>('Secret', (s) => {
      const name = s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION];
      return name ? [{ namespace: s.metadata.namespace, name }] : [];
    })
    .concurrency(opts.concurrency ?? 1)
    .reconcile(new TokenReconciler(managerContext(manager, 'serviceaccount-token', 'tokens-controller'), key));
  return { key };
}
