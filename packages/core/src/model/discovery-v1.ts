import type { Protocol } from './core-v1.js';
import type { KubeObject } from './meta.js';

/** One backend of a Service in an EndpointSlice. */
export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
  hints?: { forZones?: { name: string }[] };
}

/** A port of the endpoints in a slice (target ports resolved per pod). */
export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: Protocol;
  appProtocol?: string;
}

/** A slice of a Service's endpoints; label `kubernetes.io/service-name` names the service. */
export interface EndpointSlice extends KubeObject {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}
