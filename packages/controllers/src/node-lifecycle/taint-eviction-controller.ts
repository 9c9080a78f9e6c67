import {
  type InformerEvent,
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

/** The taints that can evict a running pod (NoExecute); none when the node is unknown. */
function noExecuteTaints(node: Readonly<Node> | undefined) {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/** The fields of a pod the eviction decision reads, besides the node's taints. */
const evictionInputs = (pod: Readonly<Pod>) =>
  JSON.stringify([pod.spec.nodeName, pod.spec.tolerations ?? [], pod.metadata.deletionTimestamp ?? null]);

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
 * Events that cannot change a decision wake nothing (Kubernetes' taint
 * manager's `PodUpdated`/`NodeUpdated` filters): a pod event only when the
 * pod's node has NoExecute taints and the pod is new or changed its node,
 * tolerations or deletion state; a node event only when its NoExecute taints
 * changed. A taint added later wakes the node, which looks at all its pods.
 *
 * Caveats: eviction is a normal (graceful) pod delete; on an unreachable
 * node nobody finishes it, so the pod stays Terminating, as in Kubernetes,
 * while its replacement is created.
 */
export class TaintEvictionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  /** The node a pod event should wake: none unless the node is tainted NoExecute and the pod's inputs changed. */
  podRequests(event: InformerEvent<Pod>): ReconcileRequest[] {
    const pod = event.object;
    const nodeName = pod.spec.nodeName;
    if (event.type === 'deleted' || !nodeName) return [];
    if (event.type === 'updated' && event.oldObject && evictionInputs(event.oldObject) === evictionInputs(pod))
      return [];
    const node = this.ctx.informers.for<Node>('Node').cache.get(undefined, nodeName);
    return noExecuteTaints(node).length > 0 ? [{ name: nodeName }] : [];
  }

  /** The node itself when its NoExecute taints appeared or changed; status and lease updates wake nothing. */
  nodeRequests(event: InformerEvent<Node>): ReconcileRequest[] {
    if (event.type === 'deleted') return [];
    const taints = JSON.stringify(noExecuteTaints(event.object));
    if (event.type === 'updated' && event.oldObject && JSON.stringify(noExecuteTaints(event.oldObject)) === taints)
      return [];
    return event.type === 'added' && taints === '[]' ? [] : [{ name: event.object.metadata.name }];
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const node = this.ctx.informers.for<Node>('Node').cache.get(undefined, req.name);
    const taints = noExecuteTaints(node);
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
