import { ApiError, type StatusReason } from '@flotilla/core';

/**
 * A patch could not be applied. `path` names where in the patch (or the
 * object) it failed, `operation` the index of the failing JSON-patch
 * operation. The reason follows kube-apiserver: a malformed patch is
 * `BadRequest` (400); a well-formed patch that does not apply to the object
 * (a failed `test`, a missing path, content outside `$retainKeys`) is
 * `Invalid` (422); one that would grow past a bound is
 * `RequestEntityTooLarge` (413).
 */
export class PatchError extends ApiError {
  constructor(
    reason: Extract<StatusReason, 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge'>,
    /** Where it failed: a JSON pointer (`/spec/replicas`) or a field path (`spec.template`). */
    readonly path: string,
    detail: string,
    /** Index of the JSON-patch operation that failed, when the patch is a JSON patch. */
    readonly operation?: number,
  ) {
    super(reason, `${operation === undefined ? '' : `operation ${operation}: `}${path ? `${path}: ` : ''}${detail}`);
  }
}

/**
 * The patch type is not served for this kind: kube-apiserver answers 415 for
 * a strategic merge patch to a custom resource, whose Go struct tags (and so
 * list merge keys) do not exist. Not an `ApiError`, since core's reasons have
 * no 415; the HTTP layer maps it by `code`.
 */
export class UnsupportedPatchTypeError extends Error {
  /** HTTP status code kube-apiserver answers. */
  readonly code = 415;
  /** `metav1.StatusReason` kube-apiserver answers. */
  readonly reason = 'UnsupportedMediaType';
  constructor(
    /** The content type that was refused. */
    readonly contentType: string,
    /** The patch content types that are served for this kind. */
    readonly accepted: readonly string[],
  ) {
    super(`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
    this.name = 'UnsupportedPatchTypeError';
  }
}
