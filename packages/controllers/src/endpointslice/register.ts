import type { ClusterApi, Manager, Pod, Service } from '@flotilla/core';
import { servicesSelecting } from '../cache-indexes/label-pairs.js';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { podEndpointsChanged } from '../service-backends/pod-endpoint.js';
import type { EndpointSlice } from './discovery-types.js';
import { type EndpointSliceOptions, EndpointSliceReconciler } from './endpointslice-controller.js';
import { SERVICE_NAME_LABEL } from './slice-labels.js';

/** Options of `registerEndpointSliceController`. */
export interface EndpointSliceRegisterOptions extends RegisterOptions, EndpointSliceOptions {}

/**
 * Adds the EndpointSlice controller (`endpointslice`, 5 workers by default
 * as `--concurrent-service-endpoint-syncs`): woken by its Service, by the
 * pods the service selects, by changes to its slices that this controller
 * did not write itself, and by Node label changes
 * (zones) through the pods on them.
 */
export function registerEndpointSliceController(
  manager: Manager<ClusterApi>,
  opts: EndpointSliceRegisterOptions = {},
): EndpointSliceReconciler {
  const reconciler = new EndpointSliceReconciler(
    managerContext(manager, 'endpointslice', 'endpointslice-controller'),
    opts,
  );
  const services = manager.informers.for<Service>('Service').cache;
  manager
    .controller('endpointslice')
    .for('Service')
    .watches<Pod>('Pod', (pod) =>
      servicesSelecting(services, pod).map((s) => ({ namespace: s.metadata.namespace, name: s.metadata.name })),
    )
    .watches<EndpointSlice>('EndpointSlice', (slice) => {
      const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      // Our own writes do not wake the service again (a build would otherwise queue every service twice).
      return name && reconciler.wakesService(slice) ? [{ namespace: slice.metadata.namespace, name }] : [];
    })
    .withEventFilter(podEndpointsChanged)
    .concurrency(opts.concurrency ?? 5)
    // Events wait out the batch period in the queue (Kubernetes' AddAfter), so a burst wakes the service once.
    .withOptions({ batchPeriodMs: opts.batchPeriodMs })
    .reconcile(reconciler);
  return reconciler;
}
