import type { Taint, Toleration } from '@flotilla/core';

/** True if `toleration` matches `taint` (Kubernetes' `ToleratesTaint`: empty key with Exists matches all keys, empty effect all effects). */
export function toleratesTaint(toleration: Readonly<Toleration>, taint: Readonly<Taint>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  if (!toleration.key) return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/**
 * When a pod on a node with these NoExecute taints must be evicted
 * (Kubernetes' taint eviction controller): now if some taint is not
 * tolerated; otherwise, for each taint, `timeAdded` + the shortest
 * `tolerationSeconds` of the tolerations matching it, and the earliest of
 * those; `undefined` when every taint is tolerated forever.
 */
export function evictionDeadline(
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[],
  now: number,
): number | undefined {
  let deadline: number | undefined;
  for (const taint of taints) {
    const matching = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return now;
    const bounded = matching.filter((t) => t.tolerationSeconds !== undefined);
    // Any matching toleration without a bound tolerates this taint forever.
    if (bounded.length < matching.length) continue;
    const seconds = Math.max(0, Math.min(...bounded.map((t) => t.tolerationSeconds ?? 0)));
    const added = Date.parse(taint.timeAdded ?? '');
    const at = (Number.isNaN(added) ? now : added) + seconds * 1000;
    deadline = deadline === undefined ? at : Math.min(deadline, at);
  }
  return deadline;
}
