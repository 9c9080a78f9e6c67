import type { FieldManager, KubeObject } from '@flotilla/core';
import { recordUpdate } from '../patch/index.js';
import type { RestRequest } from './rest-request.js';

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
 * sends them keeps (see `recordUpdate`).
 */
export const updateFieldManager: FieldManager = {
  record(live, next, write) {
    const recorded = recordUpdate(
      live as Record<string, unknown> | undefined,
      next as unknown as Record<string, unknown>,
      write,
    ) as unknown as KubeObject;
    // A create that owns no field records nothing, as kube-apiserver leaves managedFields out then.
    const meta = recorded.metadata as { managedFields?: unknown[] };
    if (!live && meta.managedFields?.length === 0) delete meta.managedFields;
    return recorded;
  },
};
