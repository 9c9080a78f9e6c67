import type { IntOrString } from './core-v1.js';
import type { Condition, KubeObject, LabelSelector } from './meta.js';

/** Limits how many pods of a set voluntary disruptions (evictions, drains) may take down at once. */
export interface PodDisruptionBudget extends KubeObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  spec: {
    /** Pods that must stay healthy: a number or a percentage of the expected pods. Exclusive with `maxUnavailable`. */
    minAvailable?: IntOrString;
    /** Pods that may be unhealthy: a number or a percentage of the expected pods. */
    maxUnavailable?: IntOrString;
    /** The pods covered; an empty selector covers every pod of the namespace in policy/v1. */
    selector?: LabelSelector;
    /** `IfHealthyBudget` (default): not-ready pods are evicted only while the budget is met; `AlwaysAllow`: always. */
    unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
  };
  status?: {
    observedGeneration?: number;
    /** Pods evicted but not yet observed gone, by name, with the time of eviction: they count as unhealthy. */
    disruptedPods?: Record<string, string>;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    conditions?: Condition[];
  };
}

/** A request to evict a pod, subject to the PodDisruptionBudgets covering it (`pods/eviction`). */
export interface Eviction {
  apiVersion?: 'policy/v1';
  kind?: 'Eviction';
  metadata: { name: string; namespace?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string; resourceVersion?: string };
  };
}
