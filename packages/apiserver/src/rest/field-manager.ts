import type { FieldManager } from '@flotilla/core';
import { managedFieldsAfterUpdate } from '../patch/apply/server-side-apply.js';
import type { RestRequest } from './rest-request.js';

type JsonObject = Record<string, unknown>;

/**
 * The field manager of a write: the `fieldManager` query parameter, else
 * the User-Agent's product name (`kubectl` from `kubectl/v1.32.4 (...)`),
 * as kube-apiserver derives it.
 */
export function fieldManagerOf(r: RestRequest): string {
  const given = r.query.get('fieldManager');
  if (given) return given;
  const agent = r.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0]!.slice(0, 128) || 'unknown';
}

/**
 * The managedFields an ApiServer keeps, in the Api it serves (see
 * `Api.setFieldManager`): a non-apply write (create, update, patch, scale,
 * and every in-process write) gets an `Update` entry for its manager, so a
 * later server-side apply that changes those fields conflicts with it, as
 * in Kubernetes. An apply sets its managedFields itself, which a write that
 * sends them keeps (see `recordUpdate`). Give it to any other Api over the
 * same store (one whose authorizer differs, say) so that writes through it
 * are recorded the same way.
 */
export const apiServerFieldManager: FieldManager = {
  record(live, next, write) {
    // `next` is the write's own copy (see `FieldManager`): its entries are set in place.
    const meta = next.metadata as { managedFields?: unknown[] };
    const recorded = managedFieldsAfterUpdate(live as JsonObject | undefined, next as unknown as JsonObject, write);
    if (recorded !== undefined) meta.managedFields = recorded;
    // A create that owns no field records nothing, as kube-apiserver leaves managedFields out then.
    if (!live && meta.managedFields?.length === 0) delete meta.managedFields;
    return next;
  },
};
