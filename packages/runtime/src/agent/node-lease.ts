import { type Clock, type ClusterApi, isReason, type Lease } from '@flotilla/core';

/** The namespace of node heartbeat leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** How often the kubelet renews its lease. */
export const NODE_LEASE_RENEW_INTERVAL_MS = 10_000;
/** The lease duration the kubelet writes (40 s). */
export const NODE_LEASE_DURATION_SECONDS = 40;

/** Kubernetes' MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/**
 * Creates or renews the node's Lease in `kube-node-lease` (the heartbeat the
 * node lifecycle controller watches). Owned by the Node, so it goes with it.
 *
 * `latest`, the Lease this call last returned, is renewed as it stands, with
 * no read first: only the node writes its Lease, so it is nearly always
 * current, and a heartbeat of thousands of nodes costs one write each rather
 * than a read and a write (the kubelet's lease controller does the same).
 * When it is not current (a Conflict) or is gone, the Lease is read, or
 * made, as without it.
 */
export async function renewNodeLease(
  api: ClusterApi,
  clock: Clock,
  nodeName: string,
  nodeUid?: string,
  latest?: Lease,
): Promise<Lease> {
  const leases = api.resource('Lease');
  const spec = {
    holderIdentity: nodeName,
    leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
    renewTime: microTime(clock.now()),
  };
  const renewed = (current: Lease) => leases.update({ ...current, spec: { ...current.spec, ...spec } });
  if (latest) {
    try {
      return await renewed(latest);
    } catch (err) {
      if (!isReason(err, 'Conflict') && !isReason(err, 'NotFound')) throw err;
    }
  }
  try {
    return await renewed(await leases.get(NODE_LEASE_NAMESPACE, nodeName));
  } catch (err) {
    if (!isReason(err, 'NotFound')) throw err;
  }
  return leases.create({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { ...spec, acquireTime: spec.renewTime },
  });
}
