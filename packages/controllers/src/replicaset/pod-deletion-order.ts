import type { Pod } from '@flotilla/core';
import { isPodReady, maxRestarts, podReadySince } from '../pod-control/pod-state.js';

/** The annotation a user sets to say which pods to remove first on scale-down (lower goes first). */
export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

const phaseRank: Partial<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Readonly<Pod>): number {
  const raw = pod.metadata.annotations?.[podDeletionCostAnnotation];
  const cost = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isFinite(cost) ? cost : 0;
}

function created(pod: Readonly<Pod>): number | undefined {
  const ts = pod.metadata.creationTimestamp;
  return ts ? Date.parse(ts) : undefined;
}

/** Kubernetes' `afterOrZero`: an unknown time sorts first, otherwise the later time first. */
function laterFirst(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  return b - a;
}

/**
 * Compares two pods for scale-down: negative when `a` should be deleted
 * before `b`. Kubernetes' `ActivePodsWithRanks.Less`, criteria in order:
 * unassigned before assigned; Pending < Unknown < Running; not ready before
 * ready; lower `pod-deletion-cost` first; more sibling pods on the same node
 * first (`rank`); ready more recently first; more restarts first; created
 * more recently first.
 */
export function compareForDeletion(a: Readonly<Pod>, b: Readonly<Pod>, rankA: number, rankB: number): number {
  const nodeA = a.spec.nodeName ?? '';
  const nodeB = b.spec.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  const phaseA = phaseRank[a.status?.phase ?? ''] ?? 0;
  const phaseB = phaseRank[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  if (rankA !== rankB) return rankB - rankA;
  if (readyA && readyB) {
    const byReady = laterFirst(podReadySince(a), podReadySince(b));
    if (byReady !== 0) return byReady;
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  return laterFirst(created(a), created(b));
}

/**
 * The `count` pods to delete first, in deletion order. A pod's rank is the
 * number of `related` pods (the set's own, or all pods of the owning
 * Deployment) on its node, so scale-down spreads what remains across nodes.
 */
export function podsToDelete(
  pods: readonly Readonly<Pod>[],
  count: number,
  related: readonly Readonly<Pod>[] = pods,
): Readonly<Pod>[] {
  if (count <= 0) return [];
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Readonly<Pod>) => (p.spec.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  const ranked = pods.map((pod) => ({ pod, rank: rank(pod) }));
  ranked.sort((x, y) => compareForDeletion(x.pod, y.pod, x.rank, y.rank));
  return ranked.slice(0, count).map((r) => r.pod);
}
