import type { Deployment } from '@flotilla/core';
import { deploymentFenceposts, type ReplicaSetCounts, totalReplicas } from './rolling-math.js';

/** A ReplicaSet as proportional scaling sees it: counts plus the `max-replicas` it was last sized for. */
export interface ScalableReplicaSet extends ReplicaSetCounts {
  /** The `deployment.kubernetes.io/max-replicas` annotation, when present. */
  maxReplicasAnnotation?: number;
}

function proportion(
  rs: ScalableReplicaSet,
  d: Readonly<Deployment>,
  toAdd: number,
  added: number,
  statusReplicas: number,
): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const replicas = d.spec.replicas ?? 1;
  const fraction =
    replicas === 0
      ? -rs.replicas
      : Math.round(
          (rs.replicas * (replicas + deploymentFenceposts(d).maxSurge)) / (rs.maxReplicasAnnotation ?? statusReplicas),
        ) - rs.replicas;
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * New sizes when a Deployment is resized in the middle of a rollout
 * (Kubernetes' proportional scaling in `scale()`): the difference between
 * `replicas + maxSurge` and the current total is spread over the active sets
 * in proportion to their size (each relative to the `max-replicas` it was
 * sized for), and any rounding leftover goes to the largest set. Scaling up
 * prefers newer sets on ties, scaling down older ones.
 *
 * Returns the new size of every active set (spec > 0), in processing order.
 */
export function proportionalTargets(
  d: Readonly<Deployment>,
  active: readonly ScalableReplicaSet[],
  statusReplicas: number,
): Map<string, number> {
  const replicas = d.spec.replicas ?? 1;
  const allowed = replicas > 0 ? replicas + deploymentFenceposts(d).maxSurge : 0;
  const toAdd = allowed - totalReplicas(active);
  const sets = [...active].sort(
    (a, b) => b.replicas - a.replicas || (toAdd > 0 ? b.created - a.created : a.created - b.created),
  );
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sets) {
    const p = proportion(rs, d, toAdd, added, statusReplicas);
    sizes.set(rs.name, rs.replicas + p);
    added += p;
  }
  if (sets.length > 0 && toAdd !== 0) {
    const largest = sets[0].name;
    sizes.set(largest, Math.max(0, (sizes.get(largest) ?? 0) + toAdd - added));
  }
  return sizes;
}
