import type { Condition, Node } from '@flotilla/core';

/** The node conditions the lifecycle controller turns Unknown when the node agent goes silent. */
export const MONITORED_NODE_CONDITIONS: readonly string[] = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** The status of a node's Ready condition; `undefined` when the node agent never posted one. */
export function readyStatus(node: Readonly<Node>): Condition['status'] | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

/**
 * The node's conditions after its agent went silent (Kubernetes'
 * `tryUpdateNodeHealth`): every monitored condition becomes `Unknown` with
 * reason `NodeStatusUnknown`; a node that never reported gets Ready Unknown
 * with reason `NodeStatusNeverUpdated`. `lastTransitionTime` moves only for
 * conditions whose status changes, and `lastHeartbeatTime` is kept, so the
 * result equals the input once the node is marked.
 */
export function unknownConditions(conditions: readonly Condition[] | undefined, now: string): Condition[] {
  const out = [...(conditions ?? [])];
  for (const type of MONITORED_NODE_CONDITIONS) {
    const idx = out.findIndex((c) => c.type === type);
    const old = idx >= 0 ? out[idx] : undefined;
    if (!old) {
      if (type === 'Ready')
        out.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastTransitionTime: now,
          lastHeartbeatTime: now,
        });
      continue;
    }
    if (old.status === 'Unknown') continue;
    out[idx] = {
      ...old,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastTransitionTime: now,
    };
  }
  return out;
}
