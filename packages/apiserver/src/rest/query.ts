import { HttpStatusError } from '../errors/http-status-error.js';

/** The list and watch query parameters (`metav1.ListOptions`). */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
}

function optionalInt(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text))
    throw new HttpStatusError(400, 'BadRequest', `${name} must be a non-negative integer, not "${text}"`);
  return Number(text);
}

function optionalBool(query: URLSearchParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new HttpStatusError(400, 'BadRequest', `${name} must be true or false, not "${text}"`);
}

const optional = (query: URLSearchParams, name: string) => query.get(name) || undefined;

/** Reads `metav1.ListOptions` from a query string; malformed numbers and booleans are a 400. */
export function listQueryOf(query: URLSearchParams): ListQuery {
  const limit = optionalInt(query, 'limit');
  return {
    labelSelector: optional(query, 'labelSelector'),
    fieldSelector: optional(query, 'fieldSelector'),
    limit: limit === 0 ? undefined : limit,
    continue: optional(query, 'continue'),
    resourceVersion: optional(query, 'resourceVersion'),
    resourceVersionMatch: optional(query, 'resourceVersionMatch'),
    timeoutSeconds: optionalInt(query, 'timeoutSeconds'),
    allowWatchBookmarks: optionalBool(query, 'allowWatchBookmarks') ?? false,
    sendInitialEvents: optionalBool(query, 'sendInitialEvents'),
  };
}

/** `fieldValidation`: what to do with unknown or duplicate fields in a write's body. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The write query parameters (`dryRun`, `fieldManager`, `fieldValidation`, `force`). */
export interface WriteQuery {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

/** Reads the write options; `dryRun` other than `All` and an unknown `fieldValidation` are a 400, as in Kubernetes. */
export function writeQueryOf(query: URLSearchParams): WriteQuery {
  const dryRun = query.getAll('dryRun');
  for (const value of dryRun) {
    if (value !== 'All')
      throw new HttpStatusError(400, 'BadRequest', `dryRun: Unsupported value: "${value}": supported values: "All"`);
  }
  const validation = query.get('fieldValidation') || 'Warn';
  if (validation !== 'Strict' && validation !== 'Warn' && validation !== 'Ignore') {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const fieldManager = optional(query, 'fieldManager');
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw new HttpStatusError(400, 'BadRequest', 'fieldManager: Too long: must have at most 128 bytes');
  }
  return {
    dryRun: dryRun.length > 0,
    fieldManager,
    fieldValidation: validation,
    force: optionalBool(query, 'force') ?? false,
  };
}
