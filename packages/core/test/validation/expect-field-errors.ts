import { expect } from 'vitest';
import type { FieldError } from '../../src/errors/api-errors.js';

/** Renders errors as `kubectl` shows them: `field: message`. */
export const show = (errs: readonly FieldError[]): string[] => errs.map((e) => `${e.field}: ${e.message}`);

/**
 * Asserts exactly one error per expected entry, in order, each containing its
 * entry: enough to pin Kubernetes' wording without repeating its long regex hints.
 */
export function expectFieldErrors(
  actual: readonly FieldError[] | readonly string[],
  expected: readonly string[],
): void {
  const lines = actual.map((a) => (typeof a === 'string' ? a : `${a.field}: ${a.message}`));
  expect(lines).toHaveLength(expected.length);
  for (const [i, prefix] of expected.entries()) expect(lines[i]).toContain(prefix);
}
