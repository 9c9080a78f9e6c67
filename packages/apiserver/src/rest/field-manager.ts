import type { KubeObject } from '@flotilla/core';
import { recordUpdate } from '../patch/index.js';
import type { RestRequest, RestServices } from './rest-request.js';

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
 * Records a non-apply write in `metadata.managedFields` (an `Update` entry
 * for the request's manager), so a later server-side apply that changes
 * those fields conflicts with it, as in Kubernetes.
 */
export function recordWrite(
  r: RestRequest,
  s: RestServices,
  live: KubeObject | undefined,
  next: KubeObject,
  subresource?: string,
): KubeObject {
  const recorded = recordUpdate(
    live as Record<string, unknown> | undefined,
    next as unknown as Record<string, unknown>,
    {
      manager: fieldManagerOf(r),
      now: new Date(s.clock.now()),
      subresource: subresource || undefined,
    },
  ) as unknown as KubeObject;
  // A create that owns no field records nothing, as kube-apiserver leaves managedFields out then.
  const meta = recorded.metadata as { managedFields?: unknown[] };
  if (!live && meta.managedFields?.length === 0) delete meta.managedFields;
  return recorded;
}
