import { BadRequestError } from '../errors/api-errors.js';

/**
 * Reads a `resourceVersion` string as a store revision. Revisions are
 * decimal integers; anything else is a caller error, not a conflict.
 */
export function parseRevision(resourceVersion: string, what = 'resourceVersion'): number {
  if (!/^\d{1,15}$/.test(resourceVersion)) {
    throw new BadRequestError(
      `${what} "${resourceVersion}" is not a revision: pass the decimal metadata.resourceVersion the store returned`,
    );
  }
  return Number(resourceVersion);
}
