import type { KubeObject } from './meta.js';

/**
 * A named pod priority (scheduling.k8s.io/v1). Pods name one in
 * `spec.priorityClassName`; admission copies its `value` into
 * `spec.priority` and its `preemptionPolicy` into `spec.preemptionPolicy`.
 * Cluster-scoped.
 */
export interface PriorityClass extends KubeObject {
  apiVersion: 'scheduling.k8s.io/v1';
  kind: 'PriorityClass';
  /** The priority; user classes at most 1,000,000,000 (higher is reserved for the system classes). */
  value: number;
  /** Pods naming no class get this one's value. At most one class may be the global default. */
  globalDefault?: boolean;
  description?: string;
  /** `PreemptLowerPriority` (default) or `Never`: pods of a `Never` class wait rather than preempt. */
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}
