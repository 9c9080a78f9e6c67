import type { UserInfo } from '../authz/types.js';
import { toTimestamp } from '../clock/clock.js';
import { ConflictError, InvalidError } from '../errors/api-errors.js';
import type { Pod } from '../model/core-v1.js';
import type { Condition } from '../model/meta.js';
import { invalidEach } from '../validation/field-errors.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import type { ApiResourceClient } from './resource-client.js';

/** Which pod a binding is for; `uid` guards against binding a pod recreated under the same name. */
export interface PodBindingTarget {
  namespace: string;
  name: string;
  uid?: string;
}

/** Kubernetes' `PodScheduled` condition, set by binding. */
export const POD_SCHEDULED = 'PodScheduled';

/**
 * Binds a pod to a node, as Kubernetes' `pods/binding` subresource does:
 * sets `spec.nodeName` and the `PodScheduled=True` condition in one
 * compare-and-swap write.
 *
 * Guarantees: a pod is bound at most once. A bind to a pod that already has
 * a node (any node, the same one included), that is being deleted, or whose
 * uid differs from `target.uid` fails with `ConflictError`, and two racing
 * binds cannot both succeed (the loser re-reads and sees the node).
 */
export async function bindPod(
  pods: ApiResourceClient<Pod>,
  target: PodBindingTarget,
  nodeName: string,
  now: number,
  requester?: UserInfo,
): Promise<Pod> {
  const problems = isDNS1123Subdomain(nodeName);
  if (problems.length > 0)
    throw new InvalidError('Binding', target.name, invalidEach('target.name', nodeName, problems));
  const errorTarget = { resource: 'pods', namespace: target.namespace, name: target.name };
  return pods.rewrite(target, { subresource: 'binding', requester }, (pod) => {
    if (target.uid !== undefined && pod.metadata.uid !== target.uid) {
      throw new ConflictError(
        errorTarget,
        `Precondition failed: UID in precondition: ${target.uid}, UID in object meta: ${pod.metadata.uid}`,
      );
    }
    if (pod.metadata.deletionTimestamp) {
      throw new ConflictError(errorTarget, `pod ${target.name} is being deleted, cannot be assigned to a host`);
    }
    if (pod.spec.nodeName) {
      throw new ConflictError(errorTarget, `pod ${target.name} is already assigned to node "${pod.spec.nodeName}"`);
    }
    pod.spec.nodeName = nodeName;
    const scheduled: Condition = { type: POD_SCHEDULED, status: 'True', lastTransitionTime: toTimestamp(now) };
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== POD_SCHEDULED);
    pod.status = { ...pod.status, conditions: [...conditions, scheduled] };
    return pod;
  });
}
