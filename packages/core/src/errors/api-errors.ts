import { brandError, recogniseByBrand } from './brand.js';

/** Why an Api or Store call failed; the same reasons as Kubernetes' `metav1.StatusReason`. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Expired'
  | 'Forbidden'
  | 'Timeout'
  | 'RequestEntityTooLarge'
  | 'BadRequest'
  | 'TooManyRequests'
  | 'InternalError';

/** The HTTP code Kubernetes would answer for each reason, kept so errors map one-to-one to the real API. */
const statusCodes: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Expired: 410,
  Forbidden: 403,
  Timeout: 504,
  RequestEntityTooLarge: 413,
  BadRequest: 400,
  TooManyRequests: 429,
  InternalError: 500,
};

/**
 * Base class of every typed error the Store and Api throw. Switch on
 * `reason`. `instanceof` works across copies of this package (ESM and
 * CommonJS loaded together): see `brandError` for the pattern every
 * subclass follows (its own `static override readonly brand`).
 */
export class ApiError extends Error {
  /** The name instances are recognised by in every copy of the package. */
  static readonly brand: string = 'flotilla.ApiError';
  /** HTTP status code Kubernetes uses for this reason. */
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
  ) {
    super(message);
    brandError(this, new.target);
    this.name = `${reason}Error`;
    this.code = statusCodes[reason];
  }
}
recogniseByBrand(ApiError);

/** Describes which object an error is about, for messages like Kubernetes' `pods "web" not found`. */
export interface ErrorTarget {
  resource: string;
  namespace?: string;
  name: string;
}

const describe = (t: ErrorTarget) => `${t.resource} "${t.namespace ? `${t.namespace}/` : ''}${t.name}"`;

/** The object does not exist. */
export class NotFoundError extends ApiError {
  static override readonly brand: string = 'flotilla.NotFoundError';
  constructor(readonly target: ErrorTarget) {
    super('NotFound', `${describe(target)} not found`);
  }
}

/** A create found an object with the same name already there. */
export class AlreadyExistsError extends ApiError {
  static override readonly brand: string = 'flotilla.AlreadyExistsError';
  constructor(readonly target: ErrorTarget) {
    super('AlreadyExists', `${describe(target)} already exists`);
  }
}

/**
 * A compare-and-swap failed: the object changed since it was read. Read it
 * again and retry; never retry the stale write blindly.
 */
export class ConflictError extends ApiError {
  static override readonly brand: string = 'flotilla.ConflictError';
  constructor(
    readonly target: ErrorTarget,
    detail = 'the object has been modified; please apply your changes to the latest version and try again',
  ) {
    super('Conflict', `Operation cannot be fulfilled on ${describe(target)}: ${detail}`);
  }
}

/** One bad field of an invalid object. */
export interface FieldError {
  /** JSON-ish path, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** Kubernetes' wording: `Required value`, `Invalid value: "x": ...`, `Unsupported value`, ... */
  message: string;
}

/** The object failed validation. `fields` lists every bad field; nothing was written. */
export class InvalidError extends ApiError {
  static override readonly brand: string = 'flotilla.InvalidError';
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly fields: FieldError[],
  ) {
    super('Invalid', `${kind} "${objectName}" is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join(', ')}`);
  }
}

/**
 * A watch or list asked for a revision older than the retained history
 * (HTTP 410 Gone). Informers relist when they see this.
 */
export class ExpiredError extends ApiError {
  static override readonly brand: string = 'flotilla.ExpiredError';
  constructor(
    readonly requestedRevision: string,
    readonly oldestRevision?: string,
  ) {
    super(
      'Expired',
      `too old resource version: ${requestedRevision}${oldestRevision ? ` (oldest retained ${oldestRevision})` : ''}; list again to get a fresh revision`,
    );
  }
}

/** An admission hook or policy refused the request. */
export class ForbiddenError extends ApiError {
  static override readonly brand: string = 'flotilla.ForbiddenError';
  constructor(message: string) {
    super('Forbidden', message);
  }
}

/** The operation did not finish in time. */
export class TimeoutError extends ApiError {
  static override readonly brand: string = 'flotilla.TimeoutError';
  constructor(message: string) {
    super('Timeout', message);
  }
}

/** The request body exceeds the store's limit (etcd refuses requests over 1.5 MiB). */
export class RequestTooLargeError extends ApiError {
  static override readonly brand: string = 'flotilla.RequestTooLargeError';
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      'RequestEntityTooLarge',
      `request is too large: ${sizeBytes} bytes exceeds the limit of ${limitBytes} bytes; split the data across several objects`,
    );
  }
}

/**
 * A write may or may not have been applied: the store lost the reply (a
 * member died mid-write) and could not learn the outcome before its retry
 * window closed, or the history that would tell was compacted. Read the
 * object to see whether the write is there before writing again. Its
 * reason is `Timeout`, Kubernetes' "the request might have been accepted".
 */
export class UnknownOutcomeError extends ApiError {
  static override readonly brand: string = 'flotilla.UnknownOutcomeError';
  constructor(
    readonly target: ErrorTarget,
    /** `create`, `update` or `delete`. */
    readonly operation: 'create' | 'update' | 'delete',
    detail: string,
  ) {
    super(
      'Timeout',
      `the outcome of ${operation} of ${describe(target)} is unknown (${detail}): read it back before retrying`,
    );
  }
}

/** The request is malformed in a way that is not about one object's fields (e.g. a bad selector string). */
export class BadRequestError extends ApiError {
  static override readonly brand: string = 'flotilla.BadRequestError';
  constructor(message: string) {
    super('BadRequest', message);
  }
}

/**
 * An eviction would take more pods of a PodDisruptionBudget down than it
 * allows (HTTP 429, as Kubernetes answers `pods/eviction`). Retry later: the
 * budget allows it again once replacements are healthy.
 */
export class TooManyRequestsError extends ApiError {
  static override readonly brand: string = 'flotilla.TooManyRequestsError';
  constructor(
    message: string,
    /** The budget that refused, `namespace/name`, when one did. */
    readonly disruptionBudget?: string,
    /** Why, as Kubernetes' status cause (`The disruption budget web needs 2 healthy pods and has 2 currently`). */
    readonly causeMessage?: string,
  ) {
    super('TooManyRequests', causeMessage ? `${message} ${causeMessage}` : message);
  }
}

/** The server cannot serve the request as asked (HTTP 500), e.g. a pod covered by two disruption budgets. */
export class InternalError extends ApiError {
  static override readonly brand: string = 'flotilla.InternalError';
  constructor(message: string) {
    super('InternalError', message);
  }
}

/** True if `err` is an ApiError with this reason. */
export function isReason(err: unknown, reason: StatusReason): err is ApiError {
  return err instanceof ApiError && err.reason === reason;
}
