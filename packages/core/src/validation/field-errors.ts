import type { FieldError } from '../errors/api-errors.js';
import { BIG_OBJECT_MEMBER_WEIGHT, BIG_OBJECT_MEMBERS } from '../json/json-limits.js';

/**
 * Builders for `FieldError`s worded exactly like Kubernetes'
 * `field.ErrorList`, so messages read the same as `kubectl` users expect
 * (`Required value`, `Invalid value: "x": ...`, `Unsupported value: ...`).
 */

/** Longest rendering of a structured value in a message; beyond it the value is elided. */
const MAX_SHOWN_VALUE = 200;

/** Renders a bad value the way Kubernetes prints it: strings quoted, numbers bare, small maps as JSON. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return 'null';
  const json = JSON.stringify(value);
  return json.length <= MAX_SHOWN_VALUE ? json : '"object"';
}

/**
 * Appends `more` to `errors` one by one: a list with one error per entry of
 * a caller's map or list can be longer than the engine lets a spread
 * (`errors.push(...more)`) pass as arguments (about 120,000 on Node 20).
 */
export function appendErrors(errors: FieldError[], more: readonly FieldError[]): void {
  for (let i = 0; i < more.length; i++) errors.push(more[i]!);
}

/** A field that must be set is missing or empty. */
export function required(field: string, detail?: string): FieldError {
  return { field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

/** A field has a value that breaks a rule; `detail` says which rule. */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { field, message: `Invalid value: ${showValue(value)}: ${detail}` };
}

/** A field holds a value outside a fixed set of choices. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  return {
    field,
    message: `Unsupported value: ${showValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}

/** `Unsupported value` unless `value` is absent or one of `allowed`. */
export function oneOf(field: string, value: unknown, allowed: readonly string[]): FieldError[] {
  return value === undefined || allowed.includes(value as string) ? [] : [notSupported(field, value, allowed)];
}

/** A field may not be set (or changed) in this situation. */
export function forbidden(field: string, detail: string): FieldError {
  return { field, message: `Forbidden: ${detail}` };
}

/** A value that must be unique within a list appears twice. */
export function duplicate(field: string, value: unknown): FieldError {
  return { field, message: `Duplicate value: ${showValue(value)}` };
}

/** A value (or a map's total) is bigger than allowed. */
export function tooLong(field: string, maxBytes: number): FieldError {
  return { field, message: `Too long: must have at most ${maxBytes} bytes` };
}

/** A list has more items than allowed. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { field, message: `Too many: ${actual}: must have at most ${max} items` };
}

/**
 * An input holds more entries than the write budget (`maxInputEntries`)
 * allows; `field` is the object or list where the count passed it.
 */
export function tooManyEntries(field: string, max: number): FieldError {
  return {
    field,
    message: `Too many: must have at most ${max} entries (object members and list items; members of an object past its ${BIG_OBJECT_MEMBERS}th count ${BIG_OBJECT_MEMBER_WEIGHT}) in one write (maxInputEntries)`,
  };
}

/** Turns a list of rule-violation messages for one value into `Invalid value` errors. */
export function invalidEach(field: string, value: unknown, problems: readonly string[]): FieldError[] {
  return problems.map((p) => invalid(field, value, p));
}

/** A reference names something that does not exist (e.g. a volume mount naming no volume). */
export function notFound(field: string, value: unknown): FieldError {
  return { field, message: `Not found: ${showValue(value)}` };
}
