import type { ClusterApi, Manager, Pod, Service } from '@flotilla/core';
import { servicesSelecting } from '../cache-indexes/label-pairs.js';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { podEndpointsChanged } from '../service-backends/pod-endpoint.js';
import { type EndpointsOptions, EndpointsReconciler } from './endpoints-controller.js';

/** Options of `registerEndpointsController`. */
export interface EndpointsRegisterOptions extends RegisterOptions, EndpointsOptions {}

/**
 * Adds the Endpoints controller (`endpoint`, 5 workers by default as
 * `--concurrent-endpoint-syncs`): Service events and the events of the
 * pods each service selects wake the service.
 */
export function registerEndpointsController(
  manager: Manager<ClusterApi>,
  opts: EndpointsRegisterOptions = {},
): EndpointsReconciler {
  const reconciler = new EndpointsReconciler(managerContext(manager, 'endpoint', 'endpoint-controller'), opts);
  const services = manager.informers.for<Service>('Service').cache;
  manager
    .controller('endpoint')
    .for('Service')
    .watches<Pod>('Pod', (pod) =>
      servicesSelecting(services, pod).map((s) => ({ namespace: s.metadata.namespace, name: s.metadata.name })),
    )
    .watches('Endpoints', (ep) => [{ namespace: ep.metadata.namespace, name: ep.metadata.name }])
    .withEventFilter(podEndpointsChanged)
    .concurrency(opts.concurrency ?? 5)
    // Events wait out the batch period in the queue (Kubernetes' AddAfter), so a burst wakes the service once.
    .withOptions({ batchPeriodMs: opts.batchPeriodMs })
    .reconcile(reconciler);
  return reconciler;
}
