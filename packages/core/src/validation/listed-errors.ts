import type { FieldError } from '../errors/api-errors.js';

/*
 * The cap on how many errors one write lists. Internal: the validation
 * barrel does not re-export this module, so the cap can change without a
 * change to the public surface.
 */

/**
 * How many errors one write's validation lists. A hostile map of 250,000
 * invalid label keys built one error per key (a 70 MB message, seconds of
 * work); no real manifest comes near this many. Loops over the entries of a
 * caller's map stop once their list holds this many (`listIsFull`), and the
 * Api cuts the whole list to it (`cutErrors`).
 */
export const MAX_LISTED_ERRORS = 1000;

/** True once `errors` holds `MAX_LISTED_ERRORS`: a loop over a caller's entries stops there. */
export function listIsFull(errors: readonly FieldError[]): boolean {
  return errors.length >= MAX_LISTED_ERRORS;
}

/**
 * `errors` when it holds at most `MAX_LISTED_ERRORS`; otherwise its first
 * `MAX_LISTED_ERRORS` and one more saying that the rest were not listed.
 * `what` names the errors in that last one (`errors`, `wrong-typed fields`).
 */
export function cutErrors(errors: FieldError[], what = 'errors'): FieldError[] {
  if (errors.length < MAX_LISTED_ERRORS) return errors;
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  listed.push({
    field: '<body>',
    message: `Too many: the first ${MAX_LISTED_ERRORS} ${what} are listed, the rest were not checked`,
  });
  return listed;
}
