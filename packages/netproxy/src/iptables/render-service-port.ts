import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';
import { endpointChain, type ServicePortChains, servicePortChains } from './chain-names.js';

/**
 * What one service port contributes to the ruleset, kept between partial
 * syncs: its entries in the top-level chains (rewritten every sync) and the
 * names of the chains it owns. The rules of its own chains are written
 * once, when the port changes, and not kept: a partial sync writes only the
 * chains of changed ports.
 */
export interface RenderedServicePort {
  /** The state this was rendered from. */
  readonly port: ServicePortState;
  /** The nat chains this port owns (declared and written when the port changes). */
  readonly chains: readonly string[];
  readonly natServices: string;
  readonly natNodePorts: string;
  readonly filterServices: string;
  readonly filterExternal: string;
  readonly filterFirewall: string;
  /** Number of `-A` rules the port contributes, its own chains included. */
  readonly ruleCount: number;
  /** How many of them are in the filter table. */
  readonly filterRuleCount: number;
}

/** Options that change every port's rendering (a change forces a full sync). */
export interface RenderOptions {
  /** kube-proxy drops `-m comment` above 1,000 endpoints to keep the ruleset small. */
  readonly comments: boolean;
  readonly clusterCIDR?: string;
  readonly masqueradeAll: boolean;
}

const probabilities: string[] = [];
/** 1/k with 10 decimals, as kube-proxy prints it; cached because large rulesets repeat the same few values. */
function probability(k: number): string {
  let p = probabilities[k];
  if (p === undefined) {
    p = (1 / k).toFixed(10);
    probabilities[k] = p;
  }
  return p;
}

/** `-m comment --comment "<text>" ` when comments are on, else nothing. */
const comment = (options: RenderOptions, text: string) => (options.comments ? `-m comment --comment "${text}" ` : '');

/**
 * Renders one service port in kube-proxy's iptables layout: KUBE-SERVICES /
 * KUBE-NODEPORTS entries, the SVC (Cluster policy), SVL (Local policy), EXT
 * (external destinations), FW (source ranges) and SEP (endpoint) chains, and
 * the filter-table REJECT / DROP rules for missing endpoints.
 *
 * The declarations (`:<chain> - [0:0]`) and `-A` rules of the port's own
 * chains are appended to `out` as one text each (when the port owns chains), not
 * kept in the result: only a sync that rewrites the port writes them.
 */
export function renderServicePort(
  port: ServicePortState,
  options: RenderOptions,
  out: ChainTexts,
): RenderedServicePort {
  const entries = new TopEntries();
  const owned: string[] = [];
  const rules: string[] = [];
  if (port.clusterIP !== undefined) {
    const names = servicePortChains(port);
    const use = chainUse(port);
    renderEntries(port, options, names, use, entries);
    renderChains(port, options, names, use, owned, rules);
  }
  // Joined here, while the lines (ropes of their parts) are young garbage: a full sync makes 130,000 of them, and
  // keeping them until one final join would carry every part through the young generation's copying collections.
  if (rules.length > 0) {
    out.declarations.push(`:${owned.join(' - [0:0]\n:')} - [0:0]`);
    out.rules.push(rules.join('\n'));
  }
  return {
    port,
    chains: owned,
    natServices: flat(entries.natServices),
    natNodePorts: flat(entries.natNodePorts),
    filterServices: flat(entries.filterServices),
    filterExternal: flat(entries.filterExternal),
    filterFirewall: flat(entries.filterFirewall),
    ruleCount: entries.count + rules.length,
    filterRuleCount: entries.filterCount,
  };
}

/** Where `renderServicePort` writes the texts of the chains a port owns, one entry per port. */
export interface ChainTexts {
  readonly declarations: string[];
  readonly rules: string[];
}

/**
 * `text`, flattened: V8 keeps concatenations as ropes, which every later
 * join walks again; reading one character flattens the rope in place, so the
 * partial syncs that reuse this text copy it as one flat string.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** The per-port entries of the top-level chains, in the order they are written. */
export const TOP_SECTIONS = [
  'filterServices',
  'filterExternal',
  'filterFirewall',
  'natServices',
  'natNodePorts',
] as const;
/** One of `TOP_SECTIONS`. */
export type TopSection = (typeof TOP_SECTIONS)[number];

/** One port's entries in the top-level chains: `-A` lines joined per chain (most ports have one entry in all). */
class TopEntries implements Record<TopSection, string> {
  natServices = '';
  natNodePorts = '';
  filterServices = '';
  filterExternal = '';
  filterFirewall = '';
  count = 0;
  filterCount = 0;

  add(section: TopSection, line: string): void {
    this[section] = this[section] === '' ? line : `${this[section]}\n${line}`;
    this.count++;
    if (section.startsWith('filter')) this.filterCount++;
  }
}

/** Which of its own chains a port has. */
interface ChainUse {
  readonly svc: boolean;
  readonly svl: boolean;
  readonly ext: boolean;
  readonly fw: boolean;
}

/** Which of its chains a port uses, from its endpoints and traffic policies. */
function chainUse(port: ServicePortState): ChainUse {
  const cluster = port.clusterEndpoints;
  const local = port.localEndpoints;
  const externalEndpoints = port.externalPolicyLocal ? local : cluster;
  const externallyAccessible =
    port.nodePort !== undefined || port.externalIPs.length > 0 || port.loadBalancerIPs.length > 0;
  const usesExt = externallyAccessible && externalEndpoints.length > 0;
  return {
    svc: cluster.length > 0 && (!port.internalPolicyLocal || (externallyAccessible && !port.externalPolicyLocal)),
    svl: local.length > 0 && (port.internalPolicyLocal || (externallyAccessible && port.externalPolicyLocal)),
    ext: usesExt,
    fw: usesExt && port.loadBalancerIPs.length > 0 && port.loadBalancerSourceRanges.length > 0,
  };
}

function renderEntries(
  port: ServicePortState,
  options: RenderOptions,
  names: ServicePortChains,
  use: ChainUse,
  out: TopEntries,
): void {
  const proto = `-m ${port.protocol} -p ${port.protocol}`;
  const internalEndpoints = port.internalPolicyLocal ? port.localEndpoints : port.clusterEndpoints;
  // No endpoints at all: REJECT (the client sees "connection refused"); only missing local ones: DROP, as kube-proxy.
  const none = port.clusterEndpoints.length === 0;
  const missing = none ? 'REJECT' : 'DROP';
  const missingWhy = comment(options, `${port.name} ${none ? 'has no endpoints' : 'has no local endpoints'}`);
  const internalChain = port.internalPolicyLocal ? names.svl : names.svc;

  const clusterIPMatch = `${proto} -d ${port.clusterIP}/32 --dport ${port.port}`;
  if (internalEndpoints.length > 0) {
    out.add(
      'natServices',
      `-A KUBE-SERVICES ${comment(options, `${port.name} cluster IP`)}${clusterIPMatch} -j ${internalChain}`,
    );
  } else {
    out.add('filterServices', `-A KUBE-SERVICES ${missingWhy}${clusterIPMatch} -j ${missing}`);
  }
  for (const ip of port.externalIPs) {
    const match = `${proto} -d ${ip}/32 --dport ${port.port}`;
    if (use.ext) {
      out.add(
        'natServices',
        `-A KUBE-SERVICES ${comment(options, `${port.name} external IP`)}${match} -j ${names.ext}`,
      );
    } else out.add('filterExternal', `-A KUBE-EXTERNAL-SERVICES ${missingWhy}${match} -j ${missing}`);
  }
  for (const ip of port.loadBalancerIPs) {
    const match = `${proto} -d ${ip}/32 --dport ${port.port}`;
    if (use.ext) {
      out.add(
        'natServices',
        `-A KUBE-SERVICES ${comment(options, `${port.name} loadbalancer IP`)}${match} -j ${use.fw ? names.fw : names.ext}`,
      );
      if (use.fw) {
        out.add(
          'filterFirewall',
          `-A KUBE-PROXY-FIREWALL ${comment(options, `${port.name} traffic not accepted by ${names.fw}`)}${match} -j DROP`,
        );
      }
    } else out.add('filterExternal', `-A KUBE-EXTERNAL-SERVICES ${missingWhy}${match} -j ${missing}`);
  }
  if (port.nodePort !== undefined) {
    if (use.ext) {
      out.add(
        'natNodePorts',
        `-A KUBE-NODEPORTS ${comment(options, port.name)}${proto} --dport ${port.nodePort} -j ${names.ext}`,
      );
    } else {
      out.add(
        'filterExternal',
        `-A KUBE-EXTERNAL-SERVICES ${missingWhy}-m addrtype --dst-type LOCAL ${proto} --dport ${port.nodePort} -j ${missing}`,
      );
    }
  }
}

/** The rules of the port's own chains (FW, EXT, SVC, SVL, SEP), appended to `rules`; the chain names to `owned`. */
function renderChains(
  port: ServicePortState,
  options: RenderOptions,
  names: ServicePortChains,
  use: ChainUse,
  owned: string[],
  rules: string[],
): void {
  if (use.fw) {
    owned.push(names.fw);
    for (const range of port.loadBalancerSourceRanges) {
      rules.push(`-A ${names.fw} ${comment(options, `${port.name} loadbalancer IP`)}-s ${range} -j ${names.ext}`);
    }
  }
  if (use.ext) {
    owned.push(names.ext);
    const ext = `-A ${names.ext} `;
    if (port.externalPolicyLocal) {
      if (options.clusterCIDR && use.svc) {
        rules.push(
          `${ext}${comment(options, `pod traffic for ${port.name} external destinations`)}-s ${options.clusterCIDR} -j ${names.svc}`,
        );
      }
      rules.push(
        `${ext}${comment(options, `masquerade LOCAL traffic for ${port.name} external destinations`)}-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      );
      if (use.svc) {
        rules.push(
          `${ext}${comment(options, `route LOCAL traffic for ${port.name} external destinations`)}-m addrtype --src-type LOCAL -j ${names.svc}`,
        );
      }
      rules.push(`${ext}-j ${names.svl}`);
    } else {
      rules.push(
        `${ext}${comment(options, `masquerade traffic for ${port.name} external destinations`)}-j KUBE-MARK-MASQ`,
      );
      rules.push(`${ext}-j ${names.svc}`);
    }
  }
  // SEP chains in the order the balancing chains first name them: SVC's endpoints, then SVL's others.
  const seps = new EndpointChains(port);
  if (use.svc) {
    owned.push(names.svc);
    const clusterIPMatch = `-m ${port.protocol} -p ${port.protocol} -d ${port.clusterIP}/32 --dport ${port.port}`;
    const masquerade = `-A ${names.svc} ${comment(options, `${port.name} cluster IP`)}${clusterIPMatch}`;
    if (options.masqueradeAll) rules.push(`${masquerade} -j KUBE-MARK-MASQ`);
    else if (options.clusterCIDR) rules.push(`${masquerade} ! -s ${options.clusterCIDR} -j KUBE-MARK-MASQ`);
    balance(port, options, names.svc, port.clusterEndpoints, seps.of(port.clusterEndpoints), rules);
  }
  if (use.svl) {
    owned.push(names.svl);
    balance(port, options, names.svl, port.localEndpoints, seps.of(port.localEndpoints), rules);
  }
  const masqueradeHairpin = `${comment(options, port.name)}-s `;
  const dnat = `${comment(options, port.name)}${port.affinityTimeoutSeconds !== undefined ? '-m recent --name ' : ''}`;
  const dnatTail = `${port.affinityTimeoutSeconds !== undefined ? ' --set ' : ''}-m ${port.protocol} -p ${port.protocol} -j DNAT --to-destination `;
  for (let i = 0; i < seps.endpoints.length; i++) {
    const ep = seps.endpoints[i];
    const sep = seps.names[i];
    owned.push(sep);
    rules.push(`-A ${sep} ${masqueradeHairpin}${ep.ip}/32 -j KUBE-MARK-MASQ`);
    rules.push(
      `-A ${sep} ${dnat}${port.affinityTimeoutSeconds !== undefined ? sep : ''}${dnatTail}${ep.ip}:${ep.port}`,
    );
  }
}

/**
 * The SEP chain names of a port's endpoints, in the order they are first
 * asked for. Endpoints come from the port's own lists, so one endpoint is
 * the same object in each: a name is hashed once.
 */
class EndpointChains {
  readonly endpoints: ProxyEndpoint[] = [];
  readonly names: string[] = [];
  private known?: Map<ProxyEndpoint, string>;

  constructor(private readonly port: ServicePortState) {}

  /** The chain names of `endpoints`, in their order, naming the new ones. */
  of(endpoints: readonly ProxyEndpoint[]): readonly string[] {
    if (this.endpoints.length === 0) {
      // The first list (nearly always the only one): every endpoint is new, no lookup needed.
      for (const ep of endpoints) this.add(ep);
      return this.names;
    }
    if (this.known === undefined) {
      this.known = new Map();
      for (let i = 0; i < this.endpoints.length; i++) this.known.set(this.endpoints[i], this.names[i]);
    }
    return endpoints.map((ep) => this.known?.get(ep) ?? this.add(ep));
  }

  private add(ep: ProxyEndpoint): string {
    const name = endpointChain(this.port, ep);
    this.endpoints.push(ep);
    this.names.push(name);
    this.known?.set(ep, name);
    return name;
  }
}

/** The rules of a balancing chain (SVC or SVL): affinity checks, then the random split over `endpoints`. */
function balance(
  port: ServicePortState,
  options: RenderOptions,
  chain: string,
  endpoints: readonly ProxyEndpoint[],
  seps: readonly string[],
  rules: string[],
): void {
  const head = `-A ${chain} `;
  // Built only with comments on: above 1,000 endpoints there are many of these and none is written.
  const toEndpoint = (ep: ProxyEndpoint) =>
    options.comments ? comment(options, `${port.name} -> ${ep.ip}:${ep.port}`) : '';
  if (port.affinityTimeoutSeconds !== undefined) {
    for (let i = 0; i < endpoints.length; i++) {
      rules.push(
        `${head}${toEndpoint(endpoints[i])}-m recent --name ${seps[i]} --rcheck --seconds ${port.affinityTimeoutSeconds} --reap -j ${seps[i]}`,
      );
    }
  }
  const n = endpoints.length;
  for (let i = 0; i < n - 1; i++) {
    rules.push(
      `${head}${toEndpoint(endpoints[i])}-m statistic --mode random --probability ${probability(n - i)} -j ${seps[i]}`,
    );
  }
  rules.push(`${head}${toEndpoint(endpoints[n - 1])}-j ${seps[n - 1]}`);
}
