import { HttpStatusError } from '../errors/http-status-error.js';
import { duplicateFieldsOf } from './duplicate-fields.js';
import type { FieldValidation } from './query.js';
import type { RestRequest } from './rest-request.js';

/**
 * `fieldValidation` for a JSON body's duplicate fields, as kube-apiserver:
 * `Strict` refuses the request (400, `strict decoding error: duplicate
 * field "spec.replicas"`), `Warn` (the default) answers with a `Warning: 299`
 * header per field, `Ignore` keeps the last value silently. `text` must be
 * valid JSON, already parsed into `parsed`; `members`, when known, is the
 * number of object members the text names (`assertBodyShape` counts them).
 *
 * Caveat: unknown fields are not reported: the server has no complete
 * schema of the built-in kinds (kinds defined by a CRD are pruned by their
 * schema in the Api).
 */
export function checkDuplicateFields(
  r: RestRequest,
  mode: FieldValidation,
  text: string,
  parsed: unknown,
  members?: number,
): void {
  if (mode === 'Ignore') return;
  const duplicates = duplicateFieldsOf(text, parsed, members);
  if (duplicates.length === 0) return;
  const problems = duplicates.map((path) => `duplicate field ${JSON.stringify(path)}`);
  if (mode === 'Strict') throw new HttpStatusError(400, 'BadRequest', `strict decoding error: ${problems.join(', ')}`);
  r.res.setHeader(
    'Warning',
    problems.map((p) => `299 - ${JSON.stringify(p)}`),
  );
}
