import { type FieldError, isReason } from '../errors/api-errors.js';
import type { ResourceList, ResourceRequirements } from '../model/core-v1.js';
import { Quantity } from '../model/quantity.js';
import { appendErrors, invalid, invalidEach } from './field-errors.js';
import { isQualifiedName } from './names.js';

const quantityRegexHint = "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * Parses every amount of a resource list, reporting bad names, unparsable
 * or negative amounts at `path[name]`. Returns the parsed amounts of the valid entries.
 */
export function validateResourceList(
  list: ResourceList | undefined,
  path: string,
): { errors: FieldError[]; parsed: Map<string, Quantity> } {
  const errors: FieldError[] = [];
  const parsed = new Map<string, Quantity>();
  if (!list) return { errors, parsed };
  // for...in, and each entry's path only for an error: a Pod may hold tens of thousands of entries.
  for (const name in list) {
    if (!Object.hasOwn(list, name)) continue;
    const amount = list[name]!;
    const nameProblems = isQualifiedName(name);
    if (nameProblems.length > 0) appendErrors(errors, invalidEach(`${path}[${name}]`, name, nameProblems));
    let q: Quantity;
    try {
      q = Quantity.parse(amount);
    } catch (err) {
      if (!isReason(err, 'BadRequest')) throw err;
      errors.push(invalid(`${path}[${name}]`, amount, `quantities ${quantityRegexHint}`));
      continue;
    }
    if (q.cmp(Quantity.zero) < 0)
      errors.push(invalid(`${path}[${name}]`, amount, 'must be greater than or equal to 0'));
    else parsed.set(name, q);
  }
  return { errors, parsed };
}

/** Requests and limits parse, and each request is at most its limit. */
export function validateResourceRequirements(r: ResourceRequirements | undefined, path: string): FieldError[] {
  if (!r) return [];
  const requests = validateResourceList(r.requests, `${path}.requests`);
  const limits = validateResourceList(r.limits, `${path}.limits`);
  const errors = [...limits.errors, ...requests.errors];
  for (const [name, request] of requests.parsed) {
    const limit = limits.parsed.get(name);
    if (limit && request.cmp(limit) > 0) {
      errors.push(
        invalid(`${path}.requests`, request.toString(), `must be less than or equal to ${name} limit of ${limit}`),
      );
    }
  }
  return errors;
}
