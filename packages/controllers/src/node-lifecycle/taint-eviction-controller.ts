import {
  isReason,
  type Node,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from '@flotilla/core';
import { podsOnNode } from '../cache-indexes/pods-by-node.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { isPodTerminating } from '../pod-control/pod-state.js';
import { evictionDeadline } from './tolerations.js';

/**
 * Kubernetes' taint eviction controller, one reconcile per Node: deletes
 * each pod on the node once its tolerations of the node's NoExecute taints
 * run out — at once for an untolerated taint, after `tolerationSeconds`
 * (counted from the taint's `timeAdded`) for a bounded toleration, never for
 * an unbounded one. Pods get the Api's default 300 s tolerations of
 * not-ready and unreachable, so a dead node loses its pods five minutes
 * after it was tainted; their owners recreate them elsewhere.
 *
 * Guarantees: level-triggered over the Node and Pod caches (a restarted
 * controller computes the same deadlines from `timeAdded`); the node is
 * requeued for its next deadline on the Clock; a taint removed before a
 * deadline cancels the eviction.
 *
 * Caveats: eviction is a normal (graceful) pod delete; on an unreachable
 * node nobody finishes it, so the pod stays Terminating, as in Kubernetes,
 * while its replacement is created.
 */
export class TaintEvictionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const node = this.ctx.informers.for<Node>('Node').cache.get(undefined, req.name);
    const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (!node || taints.length === 0) return undefined;
    const now = this.ctx.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const pod of podsOnNode(this.ctx.informers.for<Pod>('Pod'), req.name)) {
      if (isPodTerminating(pod)) continue;
      const deadline = evictionDeadline(pod.spec.tolerations, taints, now);
      if (deadline === undefined) continue;
      if (deadline > now) next = Math.min(next, deadline);
      else await this.evict(pod, node);
    }
    return Number.isFinite(next) ? { requeueAfterMs: next - now } : undefined;
  }

  private async evict(pod: Readonly<Pod>, node: Readonly<Node>): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    try {
      await this.ctx.api.resource('Pod').delete(ns, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (isReason(err, 'NotFound')) return;
      throw err;
    }
    this.ctx.logger.info({ pod: `${ns}/${pod.metadata.name}`, node: node.metadata.name }, 'evicted pod');
    await this.ctx.events?.event(
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${ns}/${pod.metadata.name}`,
    );
  }
}
