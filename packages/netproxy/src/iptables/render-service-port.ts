import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';
import { endpointChain, servicePortChains } from './chain-names.js';

/** The rule text one service port contributes, section by section, cached between partial syncs. */
export interface RenderedServicePort {
  /** The state this was rendered from. */
  readonly port: ServicePortState;
  /** The nat chains this port owns (declared and written when the port changes). */
  readonly chains: readonly string[];
  readonly natServices: string;
  readonly natNodePorts: string;
  /** `-A` lines of the port's own chains. */
  readonly natChainRules: string;
  readonly filterServices: string;
  readonly filterExternal: string;
  readonly filterFirewall: string;
  /** Number of `-A` rules above. */
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

class Lines {
  readonly lines: string[] = [];
  push(chain: string, body: string): void {
    this.lines.push(`-A ${chain} ${body}`);
  }
  text(): string {
    const text = this.lines.join('\n');
    // V8 keeps template concatenations as ropes, and every later join walks them again; reading one character
    // flattens the rope in place, so the partial syncs that reuse this text copy it as one flat string.
    text.charCodeAt(0);
    return text;
  }
}

/**
 * Renders one service port in kube-proxy's iptables layout: KUBE-SERVICES /
 * KUBE-NODEPORTS entries, the SVC (Cluster policy), SVL (Local policy), EXT
 * (external destinations), FW (source ranges) and SEP (endpoint) chains, and
 * the filter-table REJECT / DROP rules for missing endpoints.
 */
export function renderServicePort(port: ServicePortState, options: RenderOptions): RenderedServicePort {
  const natServices = new Lines();
  const natNodePorts = new Lines();
  const natChains = new Lines();
  const filterServices = new Lines();
  const filterExternal = new Lines();
  const filterFirewall = new Lines();
  const owned: string[] = [];
  const result = () => ({
    port,
    chains: owned,
    natServices: natServices.text(),
    natNodePorts: natNodePorts.text(),
    natChainRules: natChains.text(),
    filterServices: filterServices.text(),
    filterExternal: filterExternal.text(),
    filterFirewall: filterFirewall.text(),
    ruleCount: [natServices, natNodePorts, natChains, filterServices, filterExternal, filterFirewall].reduce(
      (n, l) => n + l.lines.length,
      0,
    ),
    filterRuleCount: filterServices.lines.length + filterExternal.lines.length + filterFirewall.lines.length,
  });
  if (port.clusterIP === undefined) return result();

  const c = (text: string) => (options.comments ? `-m comment --comment "${text}" ` : '');
  const proto = `-m ${port.protocol} -p ${port.protocol}`;
  const names = servicePortChains(port);
  const cluster = port.clusterEndpoints;
  const local = port.localEndpoints;
  const internalEndpoints = port.internalPolicyLocal ? local : cluster;
  const externalEndpoints = port.externalPolicyLocal ? local : cluster;
  const internalChain = port.internalPolicyLocal ? names.svl : names.svc;
  const externallyAccessible =
    port.nodePort !== undefined || port.externalIPs.length > 0 || port.loadBalancerIPs.length > 0;
  const usesSvc =
    cluster.length > 0 && (!port.internalPolicyLocal || (externallyAccessible && !port.externalPolicyLocal));
  const usesSvl = local.length > 0 && (port.internalPolicyLocal || (externallyAccessible && port.externalPolicyLocal));
  const usesExt = externallyAccessible && externalEndpoints.length > 0;
  const usesFw = usesExt && port.loadBalancerIPs.length > 0 && port.loadBalancerSourceRanges.length > 0;
  // No endpoints at all: REJECT (the client sees "connection refused"); only missing local ones: DROP, as kube-proxy.
  const missing = cluster.length === 0 ? 'REJECT' : 'DROP';
  const missingWhy = cluster.length === 0 ? 'has no endpoints' : 'has no local endpoints';

  const clusterIPMatch = `${proto} -d ${port.clusterIP}/32 --dport ${port.port}`;
  if (internalEndpoints.length > 0) {
    natServices.push('KUBE-SERVICES', `${c(`${port.name} cluster IP`)}${clusterIPMatch} -j ${internalChain}`);
  } else {
    filterServices.push('KUBE-SERVICES', `${c(`${port.name} ${missingWhy}`)}${clusterIPMatch} -j ${missing}`);
  }
  for (const ip of port.externalIPs) {
    const match = `${proto} -d ${ip}/32 --dport ${port.port}`;
    if (usesExt) natServices.push('KUBE-SERVICES', `${c(`${port.name} external IP`)}${match} -j ${names.ext}`);
    else filterExternal.push('KUBE-EXTERNAL-SERVICES', `${c(`${port.name} ${missingWhy}`)}${match} -j ${missing}`);
  }
  for (const ip of port.loadBalancerIPs) {
    const match = `${proto} -d ${ip}/32 --dport ${port.port}`;
    if (usesExt) {
      natServices.push(
        'KUBE-SERVICES',
        `${c(`${port.name} loadbalancer IP`)}${match} -j ${usesFw ? names.fw : names.ext}`,
      );
      if (usesFw) {
        filterFirewall.push(
          'KUBE-PROXY-FIREWALL',
          `${c(`${port.name} traffic not accepted by ${names.fw}`)}${match} -j DROP`,
        );
      }
    } else {
      filterExternal.push('KUBE-EXTERNAL-SERVICES', `${c(`${port.name} ${missingWhy}`)}${match} -j ${missing}`);
    }
  }
  if (port.nodePort !== undefined) {
    if (usesExt)
      natNodePorts.push('KUBE-NODEPORTS', `${c(port.name)}${proto} --dport ${port.nodePort} -j ${names.ext}`);
    else {
      filterExternal.push(
        'KUBE-EXTERNAL-SERVICES',
        `${c(`${port.name} ${missingWhy}`)}-m addrtype --dst-type LOCAL ${proto} --dport ${port.nodePort} -j ${missing}`,
      );
    }
  }

  if (usesFw) {
    owned.push(names.fw);
    for (const range of port.loadBalancerSourceRanges) {
      natChains.push(names.fw, `${c(`${port.name} loadbalancer IP`)}-s ${range} -j ${names.ext}`);
    }
  }
  if (usesExt) {
    owned.push(names.ext);
    if (port.externalPolicyLocal) {
      if (options.clusterCIDR && usesSvc) {
        natChains.push(
          names.ext,
          `${c(`pod traffic for ${port.name} external destinations`)}-s ${options.clusterCIDR} -j ${names.svc}`,
        );
      }
      natChains.push(
        names.ext,
        `${c(`masquerade LOCAL traffic for ${port.name} external destinations`)}-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      );
      if (usesSvc) {
        natChains.push(
          names.ext,
          `${c(`route LOCAL traffic for ${port.name} external destinations`)}-m addrtype --src-type LOCAL -j ${names.svc}`,
        );
      }
      natChains.push(names.ext, `-j ${names.svl}`);
    } else {
      natChains.push(names.ext, `${c(`masquerade traffic for ${port.name} external destinations`)}-j KUBE-MARK-MASQ`);
      natChains.push(names.ext, `-j ${names.svc}`);
    }
  }
  const endpointChains = new Map<ProxyEndpoint, string>();
  const chainOf = (ep: ProxyEndpoint) => {
    let name = endpointChains.get(ep);
    if (name === undefined) {
      name = endpointChain(port, ep);
      endpointChains.set(ep, name);
    }
    return name;
  };
  // Built only with comments on: above 1,000 endpoints there are many of these and none is written.
  const toEndpoint = (ep: ProxyEndpoint) => (options.comments ? c(`${port.name} -> ${ep.ip}:${ep.port}`) : '');
  const balance = (chain: string, endpoints: readonly ProxyEndpoint[]) => {
    if (port.affinityTimeoutSeconds !== undefined) {
      for (const ep of endpoints) {
        const sep = chainOf(ep);
        natChains.push(
          chain,
          `${toEndpoint(ep)}-m recent --name ${sep} --rcheck --seconds ${port.affinityTimeoutSeconds} --reap -j ${sep}`,
        );
      }
    }
    const n = endpoints.length;
    for (let i = 0; i < n; i++) {
      const ep = endpoints[i];
      const pick = i < n - 1 ? `-m statistic --mode random --probability ${probability(n - i)} ` : '';
      natChains.push(chain, `${toEndpoint(ep)}${pick}-j ${chainOf(ep)}`);
    }
  };
  if (usesSvc) {
    owned.push(names.svc);
    if (options.masqueradeAll) {
      natChains.push(names.svc, `${c(`${port.name} cluster IP`)}${clusterIPMatch} -j KUBE-MARK-MASQ`);
    } else if (options.clusterCIDR) {
      natChains.push(
        names.svc,
        `${c(`${port.name} cluster IP`)}${clusterIPMatch} ! -s ${options.clusterCIDR} -j KUBE-MARK-MASQ`,
      );
    }
    balance(names.svc, cluster);
  }
  if (usesSvl) {
    owned.push(names.svl);
    balance(names.svl, local);
  }
  const affinity =
    port.affinityTimeoutSeconds !== undefined ? (sep: string) => `-m recent --name ${sep} --set ` : () => '';
  for (const [ep, sep] of endpointChains) {
    owned.push(sep);
    natChains.push(sep, `${c(port.name)}-s ${ep.ip}/32 -j KUBE-MARK-MASQ`);
    natChains.push(sep, `${c(port.name)}${affinity(sep)}${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
  }
  return result();
}
