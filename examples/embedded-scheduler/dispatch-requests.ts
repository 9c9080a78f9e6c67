import {
  type FieldError,
  InvalidError,
  invalid,
  invalidEach,
  isDNS1123Subdomain,
  required,
  validateLabels,
  validateResourceList,
} from '@flotilla/core';
import type { Job, Worker } from './dispatch-model.js';

/** A request body field by field, before it is known to be well formed. */
type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name and resources every worker and job has, checked with Kubernetes' own rules. */
function checkCommon(body: Body, errors: FieldError[]): void {
  if (typeof body.name !== 'string' || body.name === '') errors.push(required('name'));
  else errors.push(...invalidEach('name', body.name, isDNS1123Subdomain(body.name)));
  for (const field of ['cpu', 'memory'] as const) {
    const value = body[field];
    if (typeof value !== 'string' || value === '') errors.push(required(field, 'a quantity such as 500m or 1Gi'));
    else {
      // validateResourceList reports `<path>[cpu]`; the request's field is plain `cpu`.
      const { errors: bad } = validateResourceList({ [field]: value }, '');
      errors.push(...bad.map((e) => ({ ...e, field })));
    }
  }
}

/** Label maps: optional, string to string, keys and values by Kubernetes' label rules. */
function checkLabels(body: Body, fields: readonly string[], errors: FieldError[]): void {
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) continue;
    if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      errors.push(invalid(field, value, 'must be an object of string labels'));
    } else {
      errors.push(...validateLabels(value as Record<string, string>, field));
    }
  }
}

function check<T>(kind: string, body: unknown, labelFields: readonly string[]): T {
  if (!isRecord(body)) throw new InvalidError(kind, '', [invalid('body', body, 'must be a JSON object')]);
  const errors: FieldError[] = [];
  checkCommon(body, errors);
  checkLabels(body, labelFields, errors);
  if (errors.length > 0) throw new InvalidError(kind, String(body.name ?? ''), errors);
  return body as T;
}

/**
 * Reads a worker registration. Throws `InvalidError` naming every bad field,
 * so a client can fix them all at once.
 */
export function parseWorker(body: unknown): Worker {
  return check<Worker>('Worker', body, ['labels']);
}

/** Reads a job submission; throws `InvalidError` naming every bad field. */
export function parseJob(body: unknown): Job {
  return check<Job>('Job', body, ['labels', 'requireWorkerLabels', 'preferWorkerLabels', 'apartFrom']);
}
