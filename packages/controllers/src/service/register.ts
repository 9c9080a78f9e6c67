import type { AdmissionHook, ClusterApi, Manager, Service } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { AllocationRepair } from './allocation-repair.js';
import { type ServiceAllocationOptions, ServiceAllocations } from './service-allocations.js';

/** Options of `registerServiceController`. */
export interface ServiceRegisterOptions extends RegisterOptions, Omit<ServiceAllocationOptions, 'clock'> {
  /** How often leaked allocations are looked for. Default 3 minutes. */
  repairIntervalMs?: number;
}

/** An Api that admits writes in this process (the in-process `Api`); a remote apiserver admits on its own side. */
function admitsHere(api: ClusterApi): api is ClusterApi & { addAdmissionHook(hook: AdmissionHook): void } {
  return typeof (api as { addAdmissionHook?: unknown }).addAdmissionHook === 'function';
}

/**
 * Wires ClusterIP and NodePort allocation into `manager`'s Api: the
 * admission hook (so Services get addresses as they are created, even
 * before the manager starts), release on the Service informer's events, and
 * the periodic repair. Returns the allocations, e.g. to inspect usage.
 *
 * Caveat: over a `RemoteApi` no hook can be added here; the apiserver's own
 * Api must allocate (give it a `ServiceAllocations`' `admissionHook()`), as
 * kube-apiserver, not the controller manager, allocates ClusterIPs.
 */
export function registerServiceController(
  manager: Manager<ClusterApi>,
  opts: ServiceRegisterOptions = {},
): ServiceAllocations {
  const allocations = new ServiceAllocations(manager.api, { ...opts, clock: manager.clock });
  if (admitsHere(manager.api)) manager.api.addAdmissionHook(allocations.admissionHook());
  manager.informers
    .for<Service>('Service')
    .events$.subscribe((e) => allocations.observe(e.type, e.object, e.oldObject));
  const ctx = managerContext(manager, 'service', 'service-allocator');
  manager.add(
    new AllocationRepair(allocations, {
      clock: manager.clock,
      logger: ctx.logger,
      events: ctx.events,
      intervalMs: opts.repairIntervalMs,
    }),
  );
  return allocations;
}
