import type { FieldError } from '../errors/api-errors.js';
import type { IntOrString } from '../model/core-v1.js';
import { invalid } from './field-errors.js';

/**
 * Numeric field rules shared by many kinds, worded as Kubernetes words them.
 * Each returns no error for `undefined`: optional fields are checked only when set.
 */

/** An integer >= 0 (`replicas`, `backoffLimit`, grace periods). */
export function nonNegativeInt(field: string, value: unknown): FieldError[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  return value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** An integer > 0 (`maxSkew`, `activeDeadlineSeconds`, `maxReplicas`). */
export function positiveInt(field: string, value: unknown): FieldError[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  return value <= 0 ? [invalid(field, value, 'must be greater than zero')] : [];
}

/** An integer in `[min, max]` (weights, ports). */
export function intInRange(field: string, value: unknown, min: number, max: number): FieldError[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return [invalid(field, value, `must be between ${min} and ${max}, inclusive`)];
  }
  return [];
}

/** A TCP/UDP port number, 1..65535. */
export function portNumber(field: string, value: unknown): FieldError[] {
  return intInRange(field, value, 1, 65535);
}

const ianaChars = /^[a-z0-9-]*$/;

/**
 * Problems with `name` as an IANA service name (container port names,
 * named target ports): at most 15 characters of `[a-z0-9-]`, at least one
 * letter, no leading/trailing or doubled hyphen.
 */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!ianaChars.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** A port given as a number (1..65535) or an IANA port name. */
export function portNumberOrName(field: string, value: IntOrString | undefined): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return portNumber(field, value);
  return isValidPortName(value).map((p) => invalid(field, value, p));
}

const percentRe = /^(\d+)%$/;

/**
 * An int-or-percent (`maxSurge`, `maxUnavailable`): a non-negative integer or
 * `"<n>%"`, capped at 100% when `atMost100Percent` (unavailability cannot
 * exceed the whole set). Returns the errors and, when valid, whether the value is zero.
 */
export function intOrPercent(
  field: string,
  value: IntOrString | undefined,
  atMost100Percent = false,
): { errors: FieldError[]; zero: boolean } {
  if (value === undefined) return { errors: [], zero: false };
  if (typeof value === 'number') {
    const errors = nonNegativeInt(field, value);
    return { errors, zero: errors.length === 0 && value === 0 };
  }
  const m = percentRe.exec(value);
  if (!m)
    return {
      errors: [
        invalid(
          field,
          value,
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')",
        ),
      ],
      zero: false,
    };
  const pct = Number(m[1]);
  if (atMost100Percent && pct > 100)
    return { errors: [invalid(field, value, 'must not be greater than 100%')], zero: false };
  return { errors: [], zero: pct === 0 };
}
