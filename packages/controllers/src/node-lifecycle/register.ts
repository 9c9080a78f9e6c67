import type { ClusterApi, InformerEvent, Lease, Manager, Node, Pod } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import {
  NODE_LEASE_NAMESPACE,
  type NodeLifecycleOptions,
  NodeLifecycleReconciler,
} from './node-lifecycle-controller.js';
import { TaintEvictionReconciler } from './taint-eviction-controller.js';

/** Options of `registerNodeLifecycleController`. */
export interface NodeLifecycleRegisterOptions extends RegisterOptions, NodeLifecycleOptions {}

/**
 * Adds the node lifecycle controller (`node-lifecycle`: health, taints,
 * rate-limited NoExecute tainting) and the taint eviction controller
 * (`taint-eviction-controller`: deletes pods whose tolerations ran out).
 * Lease renewals in `kube-node-lease` wake the node they belong to; changes
 * to a NoExecute-tainted node's pods, and to a node's NoExecute taints, wake
 * that node's eviction check.
 */
export function registerNodeLifecycleController(
  manager: Manager<ClusterApi>,
  opts: NodeLifecycleRegisterOptions = {},
): { lifecycle: NodeLifecycleReconciler; eviction: TaintEvictionReconciler } {
  const lifecycle = new NodeLifecycleReconciler(managerContext(manager, 'node-lifecycle', 'node-controller'), opts);
  manager
    .controller('node-lifecycle')
    .for('Node')
    .watches<Lease>('Lease', (lease) =>
      lease.metadata.namespace === NODE_LEASE_NAMESPACE ? [{ name: lease.metadata.name }] : [],
    )
    .concurrency(opts.concurrency ?? 1)
    .reconcile(lifecycle);
  const eviction = new TaintEvictionReconciler(
    managerContext(manager, 'taint-eviction-controller', 'taint-eviction-controller'),
  );
  manager.createController({
    name: 'taint-eviction-controller',
    reconciler: eviction,
    sources: [
      {
        informer: manager.informers.for('Node'),
        toRequests: (event) => eviction.nodeRequests(event as InformerEvent<Node>),
      },
      {
        informer: manager.informers.for('Pod'),
        toRequests: (event) => eviction.podRequests(event as InformerEvent<Pod>),
      },
    ],
    concurrency: opts.concurrency ?? 1,
  });
  return { lifecycle, eviction };
}
