import type { FieldError } from '../errors/api-errors.js';
import type { PriorityClass } from '../model/scheduling-v1.js';
import { invalid, oneOf } from './field-errors.js';

/** The highest value a user-defined PriorityClass may have (Kubernetes' HighestUserDefinablePriority). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

/**
 * Kubernetes' built-in classes: `system-cluster-critical` (2,000,000,000)
 * and `system-node-critical` (2,000,001,000). Names starting with
 * `system-` are reserved for them. Pods may name them whether or not they
 * are stored (creating them with these values is allowed).
 */
export const SYSTEM_PRIORITY_CLASSES: readonly Readonly<PriorityClass>[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: 2_000_000_000,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
];

/**
 * PriorityClass, as Kubernetes' ValidatePriorityClass(Update): an int32
 * `value` at most 1,000,000,000 unless it is one of the system classes
 * (whose `system-` names are reserved), a known `preemptionPolicy`, and on
 * update `value` and `preemptionPolicy` unchanged.
 */
export function validatePriorityClass(pc: PriorityClass, old?: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata.name;
  if (!Number.isInteger(pc.value) || pc.value < -2_147_483_648 || pc.value > 2_147_483_647) {
    errs.push(invalid('value', pc.value, 'must be a 32-bit integer'));
  } else if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES.find((s) => s.metadata.name === name);
    if (!known) {
      errs.push(
        invalid('metadata.name', name, "priority class names with 'system-' prefix are reserved for system use only"),
      );
    } else if (known.value !== pc.value || pc.globalDefault) {
      errs.push(
        invalid(
          'value',
          pc.value,
          `the system priority class ${name} must have value ${known.value} and not be the global default`,
        ),
      );
    }
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(
      invalid(
        'value',
        pc.value,
        `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
      ),
    );
  }
  errs.push(...oneOf('preemptionPolicy', pc.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  if (old) {
    if (old.value !== pc.value) errs.push(invalid('value', pc.value, 'field is immutable'));
    if ((old.preemptionPolicy ?? 'PreemptLowerPriority') !== (pc.preemptionPolicy ?? 'PreemptLowerPriority')) {
      errs.push(invalid('preemptionPolicy', pc.preemptionPolicy, 'field is immutable'));
    }
  }
  return errs;
}
