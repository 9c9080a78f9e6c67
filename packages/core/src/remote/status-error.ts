import {
  AlreadyExistsError,
  type ApiError,
  BadRequestError,
  ConflictError,
  type ErrorTarget,
  ExpiredError,
  ForbiddenError,
  InternalError,
  InvalidError,
  NotFoundError,
  RequestTooLargeError,
  TimeoutError,
  TooManyRequestsError,
} from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';

/** The parts of Kubernetes' `metav1.Status` a client reads. */
export interface StatusBody {
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** A body is a Status when it says so; anything else from a failed request is read by its HTTP code alone. */
export function asStatus(body: unknown): StatusBody | undefined {
  return isJsonObject(body) && body.kind === 'Status' ? (body as StatusBody) : undefined;
}

/** The reason Kubernetes uses for a bare HTTP code, when the body carries none (client-go's `reasonForError`). */
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** `Operation cannot be fulfilled on pods "web": <detail>` -> `<detail>`. */
function conflictDetail(message: string): string | undefined {
  const match = /^Operation cannot be fulfilled on [^"]*"[^"]*": (.*)$/s.exec(message);
  return match?.[1];
}

/** The target a Status describes; the request's own target fills what the Status leaves out. */
function targetOf(status: StatusBody, fallback: ErrorTarget): ErrorTarget {
  const d = status.details ?? {};
  const resource = d.kind ? (d.group ? `${d.kind}.${d.group}` : d.kind) : fallback.resource;
  return { resource, namespace: fallback.namespace, name: d.name ?? fallback.name };
}

/**
 * Core's typed error for a failed response: the Status' reason decides
 * (its code when it has none), so `isReason(err, 'NotFound')` and
 * `instanceof NotFoundError` hold for a remote call exactly as for the
 * in-process Api. `Unauthorized` has no reason of its own in core: it is a
 * `ForbiddenError` whose message starts `Unauthorized`.
 */
export function errorFromStatus(
  httpCode: number,
  body: unknown,
  target: ErrorTarget,
  request: { bodyBytes?: number; resourceVersion?: string } = {},
): ApiError {
  const status = asStatus(body) ?? {};
  const reason = status.reason || REASON_BY_CODE[status.code ?? httpCode] || REASON_BY_CODE[httpCode];
  const message = status.message ?? (typeof body === 'string' && body !== '' ? body : `HTTP ${httpCode}`);
  const causes = status.details?.causes ?? [];
  switch (reason) {
    case 'NotFound':
      return new NotFoundError(targetOf(status, target));
    case 'AlreadyExists':
      return new AlreadyExistsError(targetOf(status, target));
    case 'Conflict':
      return new ConflictError(targetOf(status, target), conflictDetail(message) ?? message);
    case 'Invalid':
      return new InvalidError(
        status.details?.kind ?? target.resource,
        status.details?.name ?? target.name,
        causes.map((c) => ({ field: c.field ?? '', message: c.message ?? c.reason ?? '' })),
      );
    case 'Expired':
    case 'Gone':
      return new ExpiredError(request.resourceVersion ?? '');
    case 'Forbidden':
      return new ForbiddenError(message);
    case 'Unauthorized':
      return new ForbiddenError(`Unauthorized: ${message}`);
    case 'Timeout':
    case 'ServerTimeout':
      return new TimeoutError(message);
    case 'RequestEntityTooLarge':
      return new RequestTooLargeError(request.bodyBytes ?? 0, Number(/limit of (\d+)/.exec(message)?.[1] ?? 0));
    case 'TooManyRequests': {
      const budget = causes.find((c) => c.reason === 'DisruptionBudget');
      if (!budget) return new TooManyRequestsError(message);
      const base =
        budget.message && message.endsWith(budget.message) ? message.slice(0, -budget.message.length) : message;
      return new TooManyRequestsError(base.trim(), undefined, budget.message);
    }
    case 'InternalError':
    case 'ServiceUnavailable':
      return new InternalError(message);
    default:
      return httpCode >= 500 ? new InternalError(message) : new BadRequestError(message);
  }
}
