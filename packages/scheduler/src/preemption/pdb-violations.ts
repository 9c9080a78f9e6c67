import { compileLabelSelector, type PodDisruptionBudget } from '@flotilla/core';
import type { PodInfo } from '../cache/pod-info.js';

const isEmptySelector = (pdb: Readonly<PodDisruptionBudget>) =>
  Object.keys(pdb.spec.selector?.matchLabels ?? {}).length === 0 &&
  (pdb.spec.selector?.matchExpressions ?? []).length === 0;

/**
 * Splits preemption victims into those whose eviction would violate a
 * PodDisruptionBudget and those that would not (kube-scheduler's
 * `filterPodsWithPDBViolation`): walking the victims in the given order
 * (most important first), each budget covering a victim spends one of its
 * `disruptionsAllowed`, unless the victim is already in its
 * `disruptedPods`; a victim that drives any budget below zero violates it.
 *
 * As in kube-scheduler, a budget with an empty selector covers no pod here.
 */
export function splitByBudgetViolation(
  victims: readonly PodInfo[],
  budgetsOf: (namespace: string) => readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = new Map<PodDisruptionBudget, number>();
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const v of victims) {
    const ns = v.pod.metadata.namespace ?? 'default';
    let violates = false;
    for (const pdb of budgetsOf(ns)) {
      if (isEmptySelector(pdb)) continue;
      if (!compileLabelSelector(pdb.spec.selector).matches(v.pod.metadata.labels ?? {})) continue;
      if (pdb.status?.disruptedPods?.[v.pod.metadata.name] !== undefined) continue;
      const left = (allowed.get(pdb) ?? pdb.status?.disruptionsAllowed ?? 0) - 1;
      allowed.set(pdb, left);
      if (left < 0) violates = true;
    }
    (violates ? violating : nonViolating).push(v);
  }
  return { violating, nonViolating };
}
