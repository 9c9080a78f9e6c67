import type { Node } from '@flotilla/core';

/** The condition types a node has True (Kubernetes' `nodeInSameCondition` compares only these). */
function trueConditions(conditions: NonNullable<Node['status']>['conditions']): string {
  return (conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => c.type)
    .sort()
    .join(',');
}

/** The node without what a heartbeat rewrites: resourceVersion, managedFields and the conditions. */
function withoutHeartbeat(node: Readonly<Node>): string {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = node.metadata;
  const { conditions: _c, ...status } = node.status ?? {};
  return JSON.stringify({ ...node, metadata, status });
}

/**
 * Kubernetes' `shouldIgnoreNodeUpdate` for the DaemonSet controller: a node
 * update that keeps the same set of True conditions and changes nothing
 * else but heartbeat bookkeeping cannot change where daemons run, so it
 * wakes no DaemonSet (a kubelet heartbeat every 10 s per node would
 * otherwise reconcile every DaemonSet over every node).
 */
export function isIgnorableNodeUpdate(oldNode: Readonly<Node>, node: Readonly<Node>): boolean {
  return (
    trueConditions(oldNode.status?.conditions) === trueConditions(node.status?.conditions) &&
    withoutHeartbeat(oldNode) === withoutHeartbeat(node)
  );
}
