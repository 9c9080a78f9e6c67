import { hashSuffix } from '../naming/name-hash.js';
import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';

/**
 * Per-service-port chain names: a kind prefix (`svc`, `svl`, `ext`, or `fw`
 * for the source-range firewall) and 16 base32 characters of sha256, so any
 * name is safe in nft text.
 */
export function portChain(kind: 'svc' | 'svl' | 'ext' | 'fw', port: ServicePortState): string {
  return `${kind}-${hashSuffix(port.name + port.protocol)}`;
}

/** The chain (`ep-`) and affinity set (`aff-`) of one endpoint of an affinity service. */
export function endpointNames(port: ServicePortState, ep: ProxyEndpoint): { chain: string; set: string } {
  const suffix = hashSuffix(`${port.name}${port.protocol}${ep.ip}:${ep.port}`);
  return { chain: `ep-${suffix}`, set: `aff-${suffix}` };
}

/** The load-balancing chain and map shared by every plain service with `n` endpoints. */
export function groupNames(n: number): { chain: string; map: string } {
  return { chain: `lb-${n}`, map: `lb-${n}-endpoints` };
}
