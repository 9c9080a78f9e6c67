/**
 * The failures only the HTTP face has: core's `ApiError` reasons cover what
 * the Api refuses, these cover what never reaches it (an unsupported media
 * type, a method a path does not serve, a server shedding load).
 */
export type HttpStatusReason =
  | 'BadRequest'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Timeout'
  | 'ServiceUnavailable'
  | 'InternalError';

/**
 * A request the server refuses before or around the Api, with the HTTP code
 * and Kubernetes reason to answer. `retryAfterSeconds` becomes the
 * `Retry-After` header and `details.retryAfterSeconds` of the Status.
 */
export class HttpStatusError extends Error {
  constructor(
    /** HTTP status code. */
    readonly code: number,
    /** Kubernetes' `metav1.StatusReason`. */
    readonly reason: HttpStatusReason,
    message: string,
    /** Seconds a client should wait before retrying (429, 504). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = `${reason}Error`;
  }
}
