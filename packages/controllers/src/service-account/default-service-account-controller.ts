import { isReason, type Namespace, type ReconcileRequest, type Reconciler, type ServiceAccount } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';

/** The ServiceAccount every namespace gets; the Api defaults pods' `serviceAccountName` to it. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/**
 * Kubernetes' service account controller: makes sure each active
 * Namespace has a `default` ServiceAccount, recreating it if deleted.
 *
 * Guarantees: idempotent (an existing account, or one created meanwhile by
 * someone else, is left as is); terminating namespaces are skipped.
 */
export class DefaultServiceAccountReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<undefined> {
    const ns = this.ctx.informers.for<Namespace>('Namespace').cache.get(undefined, req.name);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return undefined;
    if (this.ctx.informers.for<ServiceAccount>('ServiceAccount').cache.get(req.name, DEFAULT_SERVICE_ACCOUNT))
      return undefined;
    try {
      await this.ctx.api.resource('ServiceAccount').create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: req.name },
      });
    } catch (err) {
      // Created by another writer, or the namespace started terminating: both fine.
      if (!isReason(err, 'AlreadyExists') && !isReason(err, 'Forbidden') && !isReason(err, 'NotFound')) throw err;
    }
    return undefined;
  }
}
