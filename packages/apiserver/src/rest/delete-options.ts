import type { DeleteOptions, PropagationPolicy } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';

const POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

/** `metav1.DeleteOptions` as sent in a DELETE body or query, and whether it asks for a dry run. */
export interface DeleteRequest {
  options: DeleteOptions;
  dryRun: boolean;
}

function policyOf(value: unknown): PropagationPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!POLICIES.includes(value as PropagationPolicy)) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `propagationPolicy: Unsupported value: ${JSON.stringify(value)}: supported values: "Background", "Foreground", "Orphan"`,
    );
  }
  return value as PropagationPolicy;
}

function graceOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new HttpStatusError(400, 'BadRequest', `gracePeriodSeconds must be an integer, not ${JSON.stringify(value)}`);
  }
  return Math.max(0, n);
}

/**
 * Reads DeleteOptions from a body (may be absent) and the query (which
 * kubectl and client libraries also use); `orphanDependents` is the old
 * spelling of `propagationPolicy: Orphan`.
 */
export function deleteRequestOf(body: Record<string, unknown> | undefined, query: URLSearchParams): DeleteRequest {
  const b = body ?? {};
  const orphan = b.orphanDependents ?? query.get('orphanDependents');
  const policy =
    policyOf(b.propagationPolicy ?? query.get('propagationPolicy')) ??
    (orphan === true || orphan === 'true'
      ? 'Orphan'
      : orphan === false || orphan === 'false'
        ? 'Background'
        : undefined);
  const options: DeleteOptions = {};
  if (policy) options.propagationPolicy = policy;
  const grace = graceOf(b.gracePeriodSeconds ?? query.get('gracePeriodSeconds'));
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const pre = b.preconditions as { uid?: unknown; resourceVersion?: unknown } | undefined;
  if (pre && typeof pre === 'object') {
    options.preconditions = {};
    if (typeof pre.uid === 'string') options.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') options.preconditions.resourceVersion = pre.resourceVersion;
  }
  const bodyDryRun = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  return { options, dryRun: bodyDryRun || query.getAll('dryRun').includes('All') };
}
