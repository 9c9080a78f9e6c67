import type { Service } from '@flotilla/core';
import type { EndpointSlice } from '../../src/state/discovery-types.js';

/** A test endpoint: address, node, readiness. */
export interface EndpointSpec {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** A ClusterIP Service with the given ports; `extra` merges into spec. */
export function service(
  namespace: string,
  name: string,
  clusterIP: string,
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; nodePort?: number }[],
  extra: Partial<Service['spec']> = {},
  status?: Service['status'],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { type: 'ClusterIP', clusterIP, ports, ...extra },
    ...(status && { status }),
  };
}

/** An ExternalName Service: DNS answers its name with a CNAME to `target`. */
export function externalNameService(namespace: string, name: string, target: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { type: 'ExternalName', externalName: target },
  };
}

/** An EndpointSlice of `service` with one port set and the given endpoints. */
export function endpointSlice(
  namespace: string,
  serviceName: string,
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[],
  endpoints: EndpointSpec[],
  sliceName = `${serviceName}-abc`,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name: sliceName, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      ...(e.node && { nodeName: e.node }),
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
    })),
  };
}

/** The n-th address of a /8-sized test range, as a dotted quad. */
export function nthAddress(base: [number, number], n: number): string {
  return `${base[0]}.${base[1] + ((n >> 16) & 255)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * A synthetic cluster: `services` ClusterIP services in namespace `bench`,
 * each with `endpointsPerService` ready endpoints spread over `nodes`
 * nodes. Objects are frozen, as an informer cache holds them.
 */
export function syntheticCluster(services: number, endpointsPerService: number, nodes = 100) {
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`;
    svcs.push(Object.freeze(service('bench', name, nthAddress([10, 96], s + 1), [{ name: 'http', port: 80 }])));
    const eps: EndpointSpec[] = [];
    for (let e = 0; e < endpointsPerService; e++) {
      eps.push({ ip: nthAddress([10, 128], s * endpointsPerService + e + 1), node: `node-${(s + e) % nodes}` });
    }
    slices.push(Object.freeze(endpointSlice('bench', name, [{ name: 'http', port: 8080 }], eps)));
  }
  return { services: svcs, endpointSlices: slices };
}
