import type { FieldError } from '../errors/api-errors.js';
import { validateLabelSelector } from '../model/labels.js';
import type { PodDisruptionBudget } from '../model/policy-v1.js';
import { appendErrors, forbidden, oneOf, required } from './field-errors.js';
import { intOrPercent } from './numbers.js';

/**
 * PodDisruptionBudget, as Kubernetes' `ValidatePodDisruptionBudgetSpec`:
 * `minAvailable` and `maxUnavailable` are non-negative ints or percentages
 * (at most 100%) and not both set; a valid selector; the unhealthy-pod
 * eviction policy from its set.
 */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const spec = pdb.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(forbidden('spec', 'minAvailable and maxUnavailable cannot be both set'));
  }
  errs.push(...intOrPercent('spec.minAvailable', spec.minAvailable, true).errors);
  errs.push(...intOrPercent('spec.maxUnavailable', spec.maxUnavailable, true).errors);
  appendErrors(errs, validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(
    ...oneOf('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, ['IfHealthyBudget', 'AlwaysAllow']),
  );
  return errs;
}
