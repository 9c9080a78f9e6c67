import type { Lease, Manager, Pod } from '@flotilla/core';
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
 * Lease renewals in `kube-node-lease` wake the node they belong to; pod
 * changes wake their node's eviction check.
 */
export function registerNodeLifecycleController(
  manager: Manager,
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
  manager
    .controller('taint-eviction-controller')
    .for('Node')
    .watches<Pod>('Pod', (pod) => (pod.spec.nodeName ? [{ name: pod.spec.nodeName }] : []))
    .concurrency(opts.concurrency ?? 1)
    .reconcile(eviction);
  return { lifecycle, eviction };
}
