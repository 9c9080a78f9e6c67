import {
  type Condition,
  isReason,
  type KubeObject,
  type Namespace,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  toTimestamp,
} from '@flotilla/core';
import { setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';

/** The finalizer the Api puts in a Namespace's `spec.finalizers`; this controller removes it last. */
export const NAMESPACE_FINALIZER = 'kubernetes';

/** How often a terminating namespace with content left is looked at again. */
export const NAMESPACE_RECHECK_MS = 1_000;

/** What is left in a namespace, per kind. */
interface Remaining {
  /** Kind -> objects still present. */
  objects: Map<string, number>;
  /** Finalizer -> objects it still holds. */
  finalizers: Map<string, number>;
  /** `kind: message` of deletes that failed. */
  failures: string[];
}

function summary(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} has ${n} resource instances`)
    .join(', ');
}

/**
 * Kubernetes' namespace controller: when a Namespace is deleted (the Api
 * has set `deletionTimestamp` and phase Terminating, and refuses new
 * objects in it), deletes every namespaced object of every registered kind,
 * custom kinds included, reports progress in the conditions
 * `NamespaceContentRemaining`, `NamespaceFinalizersRemaining` and
 * `NamespaceDeletionContentFailure`, and once nothing is left removes the
 * `kubernetes` finalizer so the Namespace goes.
 *
 * Guarantees: level-triggered and idempotent (each pass deletes what is
 * still there and re-reads); objects already being deleted are not deleted
 * again; the namespace is never released while anything remains in it.
 *
 * Caveats: reads objects through the Api (the controller cannot hold an
 * informer for every kind), so one pass costs one list per kind; pods on
 * live nodes go when their node agent finishes them.
 */
export class NamespaceReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const ns = this.ctx.informers.for<Namespace>('Namespace').cache.get(undefined, req.name);
    if (!ns?.metadata.deletionTimestamp) return undefined;
    if (!(ns.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER)) return undefined;
    const remaining = await this.deleteContent(req.name);
    await this.reportConditions(ns, remaining);
    if (remaining.objects.size > 0 || remaining.failures.length > 0) return { requeueAfterMs: NAMESPACE_RECHECK_MS };
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    const latest = await this.ctx.api.resource('Namespace').get(req.name);
    await this.ctx.api.resource('Namespace').update({ ...latest, spec: { ...latest.spec, finalizers } });
    this.ctx.logger.info({ namespace: req.name }, 'namespace emptied; finalizer removed');
    return undefined;
  }

  private async deleteContent(namespace: string): Promise<Remaining> {
    const remaining: Remaining = { objects: new Map(), finalizers: new Map(), failures: [] };
    for (const type of this.ctx.api.registry.all()) {
      if (!type.namespaced) continue;
      const client = this.ctx.api.resource<KubeObject>(type.kind);
      let items: KubeObject[];
      try {
        items = (await client.list({ namespace })).items;
      } catch (err) {
        remaining.failures.push(`${type.kind}: ${messageOf(err)}`);
        continue;
      }
      let left = 0;
      for (const obj of items) {
        if (!obj.metadata.deletionTimestamp) {
          try {
            const after = await client.delete(namespace, obj.metadata.name, {
              preconditions: { uid: obj.metadata.uid },
            });
            if (!after.metadata.deletionTimestamp) continue; // gone at once
            obj.metadata = after.metadata;
          } catch (err) {
            if (isReason(err, 'NotFound')) continue;
            remaining.failures.push(`${type.kind} ${obj.metadata.name}: ${messageOf(err)}`);
          }
        }
        left++;
        for (const f of obj.metadata.finalizers ?? [])
          remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
      }
      if (left > 0) remaining.objects.set(type.plural, left);
    }
    return remaining;
  }

  private async reportConditions(ns: Readonly<Namespace>, remaining: Remaining): Promise<void> {
    const now = toTimestamp(this.ctx.clock.now());
    // Kubernetes' condition types, with their reasons for True and for False.
    const rows: [type: string, active: boolean, reasons: [string, string], message: string][] = [
      [
        'NamespaceDeletionContentFailure',
        remaining.failures.length > 0,
        ['ContentDeletionFailed', 'ContentDeleted'],
        `Failed to delete all resource types, ${remaining.failures.length} remaining: ${remaining.failures.join('; ')}`,
      ],
      [
        'NamespaceContentRemaining',
        remaining.objects.size > 0,
        ['SomeResourcesRemain', 'ContentRemoved'],
        `Some resources are remaining: ${summary(remaining.objects)}`,
      ],
      [
        'NamespaceFinalizersRemaining',
        remaining.finalizers.size > 0,
        ['SomeFinalizersRemain', 'ContentHasNoFinalizers'],
        `Some content in the namespace has finalizers remaining: ${summary(remaining.finalizers).replaceAll(' has ', ' in ')}`,
      ],
    ];
    let conditions = ns.status?.conditions ?? [];
    for (const [type, active, [whenTrue, whenFalse], message] of rows) {
      conditions = setCondition(conditions, {
        type,
        status: active ? 'True' : 'False',
        reason: active ? whenTrue : whenFalse,
        message: active ? message : 'All content successfully removed',
        lastTransitionTime: now,
      } satisfies Condition);
    }
    if (JSON.stringify(conditions) === JSON.stringify(ns.status?.conditions ?? [])) return;
    await this.ctx.api
      .resource('Namespace')
      .updateStatus({ ...structuredClone(ns), status: { ...ns.status, conditions } } as Namespace);
  }
}
