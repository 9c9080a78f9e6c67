import type { Deployment, IntOrString } from '@flotilla/core';
import { scaledValue } from '../intstr/int-or-percent.js';

/** What the rollout arithmetic needs to know of one ReplicaSet. */
export interface ReplicaSetCounts {
  name: string;
  /** `spec.replicas`. */
  replicas: number;
  /** `status.availableReplicas`. */
  available: number;
  /** Creation time in ms, for oldest-first ordering. */
  created: number;
}

/** maxSurge and maxUnavailable resolved to pod counts. */
export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Kubernetes' `ResolveFenceposts`: maxSurge and maxUnavailable resolved
 * against `desired` replicas, surge rounded up, unavailable rounded down;
 * an absent value is 0 (the 25% defaults belong to defaulting, which the
 * Api has applied to every stored Deployment); when both come out 0,
 * unavailable becomes 1 so a rollout can make progress.
 *
 * @throws InvalidError naming the field for a value that is neither an
 * integer nor a percentage.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
  deploymentName = '',
): Fenceposts {
  const where = (field: string) => ({ kind: 'Deployment', name: deploymentName, field });
  const surge = scaledValue(maxSurge, 0, desired, true, where('spec.strategy.rollingUpdate.maxSurge'));
  const unavailable = scaledValue(
    maxUnavailable,
    0,
    desired,
    false,
    where('spec.strategy.rollingUpdate.maxUnavailable'),
  );
  return { maxSurge: surge, maxUnavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** A Deployment's fenceposts for its replica count; a Recreate Deployment gets 0 / 0. */
export function deploymentFenceposts(d: Readonly<Deployment>): Fenceposts {
  if (d.spec.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec.replicas ?? 1, d.metadata.name);
}

/** Kubernetes' `MaxUnavailable`: the resolved bound, never more than the replicas, 0 for Recreate or 0 replicas. */
export function maxUnavailableOf(d: Readonly<Deployment>): number {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate' || replicas === 0) return 0;
  return Math.min(deploymentFenceposts(d).maxUnavailable, replicas);
}

/** Sum of `replicas` (spec) over the sets. */
export function totalReplicas(sets: readonly ReplicaSetCounts[]): number {
  return sets.reduce((n, s) => n + s.replicas, 0);
}

/** Sum of available replicas over the sets. */
export function totalAvailable(sets: readonly ReplicaSetCounts[]): number {
  return sets.reduce((n, s) => n + s.available, 0);
}

/**
 * The new ReplicaSet's target size in a rolling update (Kubernetes'
 * `NewRSNewReplicas`): grow only while every set together (`all`, with or
 * without the new one, as the caller counts) stays within
 * `replicas + maxSurge`, and never past `replicas`; a Recreate Deployment
 * goes straight to `replicas`.
 */
export function newReplicaSetTarget(d: Readonly<Deployment>, all: readonly ReplicaSetCounts[], newRS: number): number {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return replicas;
  const maxTotal = replicas + deploymentFenceposts(d).maxSurge;
  const current = totalReplicas(all);
  if (current >= maxTotal) return newRS;
  return newRS + Math.max(0, Math.min(maxTotal - current, replicas - newRS));
}

const oldestFirst = (a: ReplicaSetCounts, b: ReplicaSetCounts) =>
  a.created - b.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * New sizes for old ReplicaSets in a rolling update (Kubernetes'
 * `reconcileOldReplicaSets`), as a map of the sets that change. First the
 * unavailable replicas of old sets are removed (oldest set first) as far as
 * `allPods - minAvailable - newRSUnavailable` allows, because removing them
 * costs no availability; then available replicas are scaled down, oldest set
 * first, by `available - minAvailable`.
 *
 * Guarantees: never plans a size that would take the available total below
 * `replicas - maxUnavailable`, given the counts passed in.
 */
export function oldReplicaSetTargets(
  d: Readonly<Deployment>,
  oldSets: readonly ReplicaSetCounts[],
  newRS: ReplicaSetCounts,
): Map<string, number> {
  const targets = new Map<string, number>();
  const olds = oldSets.filter((s) => s.replicas > 0).sort(oldestFirst);
  if (totalReplicas(olds) === 0) return targets;
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailableOf(d);
  const allPods = totalReplicas(olds) + newRS.replicas;
  const maxScaledDown = allPods - minAvailable - (newRS.replicas - newRS.available);
  if (maxScaledDown <= 0) return targets;

  let cleaned = 0;
  const afterCleanup = olds.map((s) => {
    if (cleaned >= maxScaledDown || s.replicas === s.available) return s;
    const down = Math.min(maxScaledDown - cleaned, s.replicas - s.available);
    cleaned += down;
    targets.set(s.name, s.replicas - down);
    return { ...s, replicas: s.replicas - down };
  });

  const available = totalAvailable(afterCleanup) + newRS.available;
  if (available <= minAvailable) return targets;
  const toScaleDown = available - minAvailable;
  let scaled = 0;
  for (const s of afterCleanup) {
    if (scaled >= toScaleDown) break;
    if (s.replicas === 0) continue;
    const down = Math.min(s.replicas, toScaleDown - scaled);
    targets.set(s.name, s.replicas - down);
    scaled += down;
  }
  return targets;
}
