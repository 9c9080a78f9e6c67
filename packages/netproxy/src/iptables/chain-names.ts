import { hashSuffix } from '../naming/name-hash.js';
import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';

/** The chains kube-proxy owns per service port, named as kube-proxy names them (at most 28 characters). */
export interface ServicePortChains {
  /** Cluster policy: all usable endpoints. */
  readonly svc: string;
  /** Local policy: this node's endpoints. */
  readonly svl: string;
  /** External destinations (NodePort, externalIPs, load balancer IPs). */
  readonly ext: string;
  /** Load balancer source-range firewall. */
  readonly fw: string;
}

/** `KUBE-SVC-` etc. plus 16 characters of base32(sha256(servicePortName + protocol)). */
export function servicePortChains(port: ServicePortState): ServicePortChains {
  const suffix = hashSuffix(port.name + port.protocol);
  return { svc: `KUBE-SVC-${suffix}`, svl: `KUBE-SVL-${suffix}`, ext: `KUBE-EXT-${suffix}`, fw: `KUBE-FW-${suffix}` };
}

/** `KUBE-SEP-` plus 16 characters of base32(sha256(servicePortName + protocol + "ip:port")). */
export function endpointChain(port: ServicePortState, endpoint: ProxyEndpoint): string {
  return `KUBE-SEP-${hashSuffix(`${port.name}${port.protocol}${endpoint.ip}:${endpoint.port}`)}`;
}
