import type { FieldError } from '../errors/api-errors.js';
import type { Lease } from '../model/coordination-v1.js';
import { nonNegativeInt, positiveInt } from './numbers.js';

/** Lease: a positive duration and a non-negative transition count. */
export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec;
  if (!spec) return [];
  return [
    ...positiveInt('spec.leaseDurationSeconds', spec.leaseDurationSeconds),
    ...nonNegativeInt('spec.leaseTransitions', spec.leaseTransitions),
  ];
}
