import { ApiError, type ErrorTarget, type FieldError } from '@flotilla/core';
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

/** The parts of core's typed errors a Status is built from, read by `reason` as core advises (not by subclass). */
interface TypedErrorParts {
  target?: ErrorTarget;
  fields?: FieldError[];
  kind?: string;
  objectName?: string;
}

/** `Operation cannot be fulfilled on pods "ns/web": ...` -> `... on pods "web": ...`, as kube-apiserver words it. */
function withoutNamespace(message: string, target: ErrorTarget): string {
  return target.namespace ? message.replace(`"${target.namespace}/${target.name}"`, `"${target.name}"`) : message;
}

/**
 * The Status for any error a request ends with: core's typed errors keep
 * their code and reason (messages worded as kube-apiserver words them,
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
  if (!(err instanceof ApiError)) {
    return failureStatus(500, 'InternalError', 'an internal error occurred; the server log has the details');
  }
  const parts = err as ApiError & TypedErrorParts;
  const target = parts.target;
  switch (err.reason) {
    case 'NotFound':
    case 'AlreadyExists':
    case 'Conflict': {
      if (!target) return failureStatus(err.code, err.reason, err.message);
      return failureStatus(err.code, err.reason, withoutNamespace(err.message, target), {
        name: target.name,
        ...splitResource(target.resource),
      });
    }
    case 'Invalid': {
      const causes = (parts.fields ?? []).map((f) => ({
        reason: causeReason(f.message),
        message: f.message,
        field: f.field,
      }));
      return failureStatus(err.code, err.reason, err.message, { name: parts.objectName, kind: parts.kind, causes });
    }
    case 'TooManyRequests':
      return failureStatus(err.code, err.reason, err.message, { retryAfterSeconds: 1 });
    default:
      return failureStatus(err.code, err.reason, err.message);
  }
}
