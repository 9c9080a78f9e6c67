import { AlreadyExistsError, ApiError, ConflictError, InvalidError, NotFoundError } from '@flotilla/core';
import { UnsupportedPatchTypeError } from '../patch/index.js';
import { HttpStatusError } from './http-status-error.js';

/** One reason a request failed, tied to a field when it is about one (`metav1.StatusCause`). */
export interface StatusCause {
  /** `FieldValueRequired`, `FieldValueInvalid`, ... for field errors. */
  reason?: string;
  message?: string;
  /** The field path, e.g. `spec.replicas`. */
  field?: string;
}

/** What a Status is about: the object and, for 422, one cause per bad field (`metav1.StatusDetails`). */
export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (plural) or kind the error is about. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** Kubernetes' `metav1.Status`, the body of every error response and of a successful delete of a gone object. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A failure Status with these parts. */
export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

/** The cause reason for a field error, from the leading words Kubernetes' `field.Error` messages start with. */
const CAUSE_BY_PREFIX: readonly [string, string][] = [
  ['Required value', 'FieldValueRequired'],
  ['Invalid value', 'FieldValueInvalid'],
  ['Unsupported value', 'FieldValueNotSupported'],
  ['Forbidden', 'FieldValueForbidden'],
  ['Duplicate value', 'FieldValueDuplicate'],
  ['Too long', 'FieldValueTooLong'],
  ['Too many', 'FieldValueTooMany'],
  ['Not found', 'FieldValueNotFound'],
];

function causeReason(message: string): string {
  return CAUSE_BY_PREFIX.find(([prefix]) => message.startsWith(prefix))?.[1] ?? 'FieldValueInvalid';
}

/** `deployments.apps` -> `{ kind: 'deployments', group: 'apps' }`. */
function splitResource(resource: string): { kind: string; group?: string } {
  const dot = resource.indexOf('.');
  return dot < 0 ? { kind: resource } : { kind: resource.slice(0, dot), group: resource.slice(dot + 1) };
}

/**
 * The Status for any error a request ends with: core's typed errors keep
 * their code and reason (messages reworded as kube-apiserver words them,
 * `pods "web" not found`), the server's own `HttpStatusError`s theirs, and
 * anything else is a 500 whose message is generic: a stack trace or an
 * internal message never reaches the client.
 */
export function statusFromError(err: unknown): Status {
  if (err instanceof HttpStatusError) {
    const details = err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : undefined;
    return failureStatus(err.code, err.reason, err.message, details);
  }
  if (err instanceof UnsupportedPatchTypeError) return failureStatus(err.code, err.reason, err.message);
  if ((err instanceof NotFoundError || err instanceof AlreadyExistsError) && err.target) {
    const { resource, name } = err.target;
    const verb = err instanceof NotFoundError ? 'not found' : 'already exists';
    return failureStatus(err.code, err.reason, `${resource} "${name}" ${verb}`, { name, ...splitResource(resource) });
  }
  if (err instanceof ConflictError && err.target) {
    const { resource, name } = err.target;
    return failureStatus(err.code, err.reason, err.message.replace(`"${err.target.namespace}/`, '"'), {
      name,
      ...splitResource(resource),
    });
  }
  if (err instanceof InvalidError) {
    const causes = err.fields.map((f) => ({ reason: causeReason(f.message), message: f.message, field: f.field }));
    return failureStatus(err.code, err.reason, err.message, { name: err.objectName, kind: err.kind, causes });
  }
  if (err instanceof ApiError) return failureStatus(err.code, err.reason, err.message);
  return failureStatus(500, 'InternalError', 'an internal error occurred; the server log has the details');
}
