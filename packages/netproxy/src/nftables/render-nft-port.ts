import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';
import { endpointNames, groupNames, portChain } from './nft-names.js';

/** The named maps and sets whose elements service ports contribute. */
export type ElementSet =
  | 'service-ips'
  | 'service-nodeports'
  | 'no-endpoint-services'
  | 'no-endpoint-nodeports'
  | 'firewall-ips'
  | string;

/** One element a port contributes to a shared map or set. */
export interface NftElement {
  readonly set: ElementSet;
  readonly element: string;
}

/** A chain a port owns, with its rules (leaf chains first, so every `goto` target already exists). */
export interface NftChain {
  readonly name: string;
  readonly rules: readonly string[];
}

/** What one service port contributes to the nftables ruleset, cached between syncs. */
export interface RenderedNftPort {
  readonly port: ServicePortState;
  readonly elements: readonly NftElement[];
  readonly chains: readonly NftChain[];
  /** Affinity sets (`aff-*`) owned by the port, with their declaration bodies. */
  readonly sets: readonly NftChain[];
  /** Endpoint count of the shared load-balancing group the ClusterIP uses, if any. */
  readonly group?: number;
  /** Endpoint IPs, for the shared hairpin set. */
  readonly hairpinIPs: readonly string[];
}

/** Options that change every port's rendering. */
export interface NftRenderOptions {
  readonly clusterCIDR?: string;
  readonly masqueradeAll: boolean;
}

/** `jump mark-for-masquerade` guarded as kube-proxy guards it (outside the pod network, or always). */
export function masqueradeRule(options: NftRenderOptions): string | undefined {
  if (options.masqueradeAll) return 'jump mark-for-masquerade';
  if (options.clusterCIDR) return `ip saddr != ${options.clusterCIDR} jump mark-for-masquerade`;
  return undefined;
}

/**
 * Renders one service port for the nftables layout (see `nftables-rules.ts`).
 * Plain ClusterIP traffic needs no chain of its own: it is an element of the
 * shared `lb-<n>` group map. Chains exist only for affinity (`svc-`, `svl-`,
 * `ep-`), external destinations (`ext-`) and load balancer source ranges
 * (`fw-`, only for a port that has ranges, ingress IPs and endpoints, as
 * the iptables mode's KUBE-FW chain).
 */
export function renderNftPort(port: ServicePortState, options: NftRenderOptions): RenderedNftPort {
  const elements: NftElement[] = [];
  const chains: NftChain[] = [];
  const sets: NftChain[] = [];
  const hairpin = new Set<string>();
  let group: number | undefined;
  if (port.clusterIP === undefined) return { port, elements, chains, sets, hairpinIPs: [] };

  const proto = port.protocol;
  const cluster = port.clusterEndpoints;
  const local = port.localEndpoints;
  const internal = port.internalPolicyLocal ? local : cluster;
  const external = port.externalPolicyLocal ? local : cluster;
  const missing = cluster.length === 0 ? 'goto reject-chain' : 'drop';
  const affinity = port.affinityTimeoutSeconds;
  const affinityChains = new Map<readonly ProxyEndpoint[], string>();
  const endpointChains = new Map<ProxyEndpoint, string>();

  /** A chain choosing among `eps` with ClientIP affinity: leaf `ep-` chains update the per-endpoint sets. */
  const affinityChain = (kind: 'svc' | 'svl', eps: readonly ProxyEndpoint[]) => {
    let name = affinityChains.get(eps);
    if (name !== undefined) return name;
    name = portChain(kind, port);
    affinityChains.set(eps, name);
    const rules: string[] = [];
    if (kind === 'svc') {
      const masq = masqueradeRule(options);
      if (masq) rules.push(`ip daddr ${port.clusterIP} ${proto} dport ${port.port} ${masq}`);
    }
    const pick: string[] = [];
    eps.forEach((ep, i) => {
      const names = endpointNames(port, ep);
      if (!endpointChains.has(ep)) {
        endpointChains.set(ep, names.chain);
        sets.push({
          name: names.set,
          rules: ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${affinity}s`],
        });
        chains.push({
          name: names.chain,
          rules: [`update @${names.set} { ip saddr }`, `meta l4proto ${proto} dnat ip to ${ep.ip}:${ep.port}`],
        });
      }
      rules.push(`ip saddr @${names.set} goto ${names.chain}`);
      pick.push(`${i} : goto ${names.chain}`);
    });
    rules.push(`numgen random mod ${eps.length} vmap { ${pick.join(', ')} }`);
    chains.push({ name, rules });
    return name;
  };

  /** The statement that sends a packet to one of `eps`. */
  const target = (kind: 'svc' | 'svl', eps: readonly ProxyEndpoint[]) => {
    if (affinity !== undefined) return `goto ${affinityChain(kind, eps)}`;
    if (eps.length === 1) return `meta l4proto ${proto} dnat ip to ${eps[0].ip}:${eps[0].port}`;
    const map = eps.map((ep, i) => `${i} : ${ep.ip} . ${ep.port}`).join(', ');
    return `meta l4proto ${proto} dnat ip to numgen random mod ${eps.length} map { ${map} }`;
  };

  const serviceKey = `${port.clusterIP} . ${proto} . ${port.port}`;
  if (internal.length === 0) {
    elements.push({ set: 'no-endpoint-services', element: `${serviceKey} : ${missing}` });
  } else if (affinity !== undefined) {
    elements.push({
      set: 'service-ips',
      element: `${serviceKey} : ${target(port.internalPolicyLocal ? 'svl' : 'svc', internal)}`,
    });
  } else {
    group = internal.length;
    const { chain, map } = groupNames(group);
    elements.push({ set: 'service-ips', element: `${serviceKey} : goto ${chain}` });
    for (const [i, ep] of internal.entries())
      elements.push({ set: map, element: `${serviceKey} . ${i} : ${ep.ip} . ${ep.port}` });
  }

  const externalIPs = [...port.externalIPs, ...port.loadBalancerIPs];
  if (port.nodePort !== undefined || externalIPs.length > 0) {
    let verdict = missing;
    if (external.length > 0) {
      const ext = portChain('ext', port);
      const rules: string[] = [];
      if (port.externalPolicyLocal) {
        if (options.clusterCIDR && cluster.length > 0)
          rules.push(`ip saddr ${options.clusterCIDR} ${target('svc', cluster)}`);
        rules.push('fib saddr type local jump mark-for-masquerade');
        if (cluster.length > 0) rules.push(`fib saddr type local ${target('svc', cluster)}`);
        rules.push(target('svl', local));
      } else {
        rules.push('jump mark-for-masquerade', target('svc', cluster));
      }
      chains.push({ name: ext, rules });
      verdict = `goto ${ext}`;
      sourceRangeFirewall(port, elements, chains);
    }
    const ipSet = external.length > 0 ? 'service-ips' : 'no-endpoint-services';
    for (const ip of externalIPs)
      elements.push({ set: ipSet, element: `${ip} . ${proto} . ${port.port} : ${verdict}` });
    if (port.nodePort !== undefined) {
      const npSet = external.length > 0 ? 'service-nodeports' : 'no-endpoint-nodeports';
      elements.push({ set: npSet, element: `${proto} . ${port.nodePort} : ${verdict}` });
    }
  }
  for (const ep of port.endpoints) hairpin.add(ep.ip);
  return { port, elements, chains, sets, group, hairpinIPs: [...hairpin] };
}

/**
 * The source-range firewall of a load balancer port: `firewall-ips`
 * elements (one per ingress IP, checked in filter hooks before DNAT) that
 * go to a `fw-` chain dropping sources outside the ranges. A port without
 * ranges or ingress IPs gets neither, so only ports with ranges cost a chain.
 */
function sourceRangeFirewall(port: ServicePortState, elements: NftElement[], chains: NftChain[]): void {
  const ranges = port.loadBalancerSourceRanges;
  if (ranges.length === 0 || port.loadBalancerIPs.length === 0) return;
  const fw = portChain('fw', port);
  // nft merges overlapping or repeated ranges of an anonymous set itself, so the list is written as given.
  const allowed = ranges.length === 1 ? ranges[0] : `{ ${ranges.join(', ')} }`;
  chains.push({ name: fw, rules: [`ip saddr != ${allowed} drop`] });
  for (const ip of port.loadBalancerIPs)
    elements.push({ set: 'firewall-ips', element: `${ip} . ${port.protocol} . ${port.port} : goto ${fw}` });
}
