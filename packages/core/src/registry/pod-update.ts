import type { Pod } from '../model/core-v1.js';

/**
 * Keeps what the Priority admission set at creation (`spec.priority`,
 * `spec.preemptionPolicy`) when an update leaves it out, as Kubernetes'
 * admission does on update: replacing a Pod from its manifest is then not
 * refused as changing an immutable field. A changed value is left for
 * validation to refuse.
 */
export function keepAdmittedPriority(pod: Pod, old: Pod): void {
  if (!pod.spec || !old.spec) return;
  if (pod.spec.priority === undefined && old.spec.priority !== undefined) pod.spec.priority = old.spec.priority;
  if (pod.spec.preemptionPolicy === undefined && old.spec.preemptionPolicy !== undefined) {
    pod.spec.preemptionPolicy = old.spec.preemptionPolicy;
  }
}
