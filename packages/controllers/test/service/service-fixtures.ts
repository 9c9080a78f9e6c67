import { Api, type FakeClock, InformerFactory, type MemoryStore, type Service } from '@flotilla/core';
import { ServiceAllocations } from '../../src/service/service-allocations.js';

/** A ClusterIP Service selecting `app: <name>` with one port, merged with `spec`. */
export function service(name: string, spec: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

/** An Api with the allocation hook on a shared store, as a restarted process would build it. */
export function allocatingApi(store: MemoryStore, clock: FakeClock, cidr = '198.18.0.0/16', ports = '30000-30009') {
  const api = new Api({ store, clock });
  const allocations = new ServiceAllocations(api, { serviceCidr: cidr, nodePortRange: ports, clock });
  api.addAdmissionHook(allocations.admissionHook());
  const informers = new InformerFactory(api, { clock });
  informers.for<Service>('Service').events$.subscribe((e) => allocations.observe(e.type, e.object, e.oldObject));
  const stop = new AbortController();
  informers.start(stop.signal);
  return { api, allocations, services: api.resource('Service'), stop: () => stop.abort() };
}
