import {
  buildProxyState,
  endpointCount,
  masqueradeMark,
  type ProxyInput,
  type ProxyState,
} from '../state/proxy-state.js';
import { carryOver } from '../state/state-diff.js';
import { IPTABLES_JUMPS, type IptablesJump } from './builtin-jumps.js';
import {
  type ChainTexts,
  type RenderedServicePort,
  type RenderOptions,
  renderServicePort,
  TOP_SECTIONS,
  type TopSection,
} from './render-service-port.js';

/** kube-proxy's `largeClusterEndpointsThreshold`: above it, rule comments are dropped. */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

/** What a sync leaves behind for the next partial sync. Treat as opaque. */
export interface IptablesState {
  readonly proxy: ProxyState;
  readonly options: RenderOptions;
  /** One rendering per port of `proxy.servicePorts`, in the same order. */
  readonly rendered: readonly RenderedServicePort[];
  /** The top-level sections joined over all ports, reused while no port's entries in them change. */
  readonly sections: Readonly<Record<TopSection, string>>;
  /** Rule counts summed over `rendered`, updated by partial syncs from the changed ports alone. */
  readonly portRules: PortRuleCounts;
}

/** Per-port rules summed over every port: all of them, and those in the filter table. */
interface PortRuleCounts {
  readonly all: number;
  readonly filter: number;
}

/** Input of `iptablesRules`: the proxy input plus the previous sync's state for a partial sync. */
export interface IptablesInput extends ProxyInput {
  readonly previous?: IptablesState;
  /**
   * The nat chains the kernel holds now (`IptablesApplier.listNatChains()`),
   * read on a full sync: per-service chains among them (`KUBE-SVC-`,
   * `KUBE-SVL-`, `KUBE-EXT-`, `KUBE-FW-`, `KUBE-SEP-`) that no service owns
   * any more are flushed and deleted, as kube-proxy does after a restart.
   * Ignored by partial syncs, which know their stale chains from `previous`.
   */
  readonly existingChains?: readonly string[];
}

/** One generated iptables sync. */
export interface IptablesRules {
  /**
   * `iptables-restore --noflush` input: `*filter` and `*nat`, each ending in
   * `COMMIT`, with kube-proxy's own chains only. On its own it carries no
   * traffic: the rules that send packets from the built-in chains (INPUT,
   * FORWARD, OUTPUT, PREROUTING, POSTROUTING) into them are in `jumps`,
   * because `iptables-restore --noflush` can only append to built-in
   * chains. `IptablesApplier` loads the text and inserts the missing jumps
   * once; without it, install `jumps` yourself.
   */
  readonly text: string;
  /** Pass as `previous` to the next call. */
  readonly state: IptablesState;
  /** False when only changed services' chains are in `text`. */
  readonly full: boolean;
  /** Service ports whose chains were (re)written. */
  readonly changedServicePorts: number;
  /** Rules in the whole ruleset (not only in `text`), per table, for metrics. */
  readonly ruleCounts: { readonly filter: number; readonly nat: number };
  /** Jumps from built-in chains the applier must ensure exist. */
  readonly jumps: readonly IptablesJump[];
}

const TOP_FILTER_CHAINS = [
  'KUBE-SERVICES',
  'KUBE-EXTERNAL-SERVICES',
  'KUBE-FORWARD',
  'KUBE-NODEPORTS',
  'KUBE-PROXY-FIREWALL',
];
const TOP_NAT_CHAINS = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];

const declare = (chain: string) => `:${chain} - [0:0]`;

/**
 * Generates kube-proxy's iptables ruleset (see SEMANTICS.md) for one node.
 *
 * Guarantees: pure and deterministic; the text is complete for the tables
 * and chains it names. Without `previous` (or when node facts or the
 * comment threshold changed) every chain is written (`full: true`). With
 * `previous`, the top-level chains are rewritten and only the chains of
 * service ports whose service or endpoints changed are declared and
 * written; chains that no longer exist are flushed and deleted (`-X`).
 *
 * A full sync given `existingChains` also deletes the per-service chains
 * among them that no service owns (an earlier process's leftovers).
 *
 * Caveats: without `existingChains`, chains left by an earlier process (not
 * in `previous`) are not known, so not deleted. After a failed apply, call
 * again without `previous`: the kernel may hold neither the old nor the new
 * rules.
 */
export function iptablesRules(input: IptablesInput): IptablesRules {
  const previous = input.previous;
  const proxy = buildProxyState(input, previous?.proxy);
  const totalEndpoints = endpointCount(proxy);
  const options: RenderOptions = {
    comments: totalEndpoints <= LARGE_CLUSTER_ENDPOINTS,
    clusterCIDR: proxy.node.clusterCIDR,
    masqueradeAll: proxy.node.masqueradeAll,
  };
  const partial =
    previous !== undefined &&
    JSON.stringify(previous.options) === JSON.stringify(options) &&
    JSON.stringify(previous.proxy.node) === JSON.stringify(proxy.node);

  const chains: ChainTexts = { declarations: [], rules: [] };
  const { rendered, written, dropped } = carryOver(
    partial ? previous.rendered : [],
    proxy.servicePorts,
    (port) => renderServicePort(port, options, chains),
    partial ? previous.proxy.servicePorts : undefined,
  );
  const stale = partial
    ? staleChains(ownedBy(dropped), written)
    : staleChains([...ownedBy(previous?.rendered ?? []), ...serviceChains(input.existingChains ?? [])], written);
  const sections = partial && sameTopEntries(dropped, written) ? previous.sections : joinSections(rendered);
  const mark = masqueradeMark(proxy.node);
  const out: string[] = ['*filter', ...TOP_FILTER_CHAINS.map(declare)];
  pushText(out, sections.filterServices);
  pushText(out, sections.filterExternal);
  out.push(
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );
  pushText(out, sections.filterFirewall);
  out.push('COMMIT', '*nat', ...TOP_NAT_CHAINS.map(declare));
  for (const declarations of chains.declarations) out.push(declarations);
  for (const chain of stale) out.push(declare(chain));
  out.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`,
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE',
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`,
  );
  pushText(out, sections.natServices);
  out.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  pushText(out, sections.natNodePorts);
  for (const chain of stale) chains.rules.push(`-X ${chain}`);
  chains.rules.push('COMMIT', '');

  const portRules = partial
    ? addRules(addRules(previous.portRules, dropped, -1), written, 1)
    : addRules({ all: 0, filter: 0 }, rendered, 1);
  return {
    // Two joins, not one array: the chain rules (most of a full sync) are never copied into `out`.
    text: `${out.join('\n')}\n${chains.rules.join('\n')}`,
    state: { proxy, options, rendered, sections, portRules },
    full: !partial,
    changedServicePorts: written.length,
    ruleCounts: { filter: 3 + portRules.filter, nat: 5 + portRules.all - portRules.filter },
    jumps: IPTABLES_JUMPS,
  };
}

/** `counts` plus (`sign` 1) or minus (-1) the rules of `ports`. */
function addRules(counts: PortRuleCounts, ports: readonly RenderedServicePort[], sign: 1 | -1): PortRuleCounts {
  let { all, filter } = counts;
  for (const r of ports) {
    all += sign * r.ruleCount;
    filter += sign * r.filterRuleCount;
  }
  return { all, filter };
}

/**
 * The `candidates` (chains that existed before this sync) that no rendering
 * written now owns. On a partial sync the candidates are the dropped
 * renderings' chains (only a rendering that was not carried over can own a
 * stale chain), so the search stays proportional to the change.
 */
function staleChains(candidates: readonly string[], written: readonly RenderedServicePort[]): string[] {
  // A first full sync of a fresh node has no candidates: no need for a set of its 110,000 chains.
  if (candidates.length === 0) return [];
  const live = new Set<string>();
  for (const r of written) for (const chain of r.chains) live.add(chain);
  const stale = new Set<string>();
  for (const chain of candidates) if (!live.has(chain)) stale.add(chain);
  return [...stale].sort();
}

/** The chains `ports` own. */
const ownedBy = (ports: readonly RenderedServicePort[]) => ports.flatMap((r) => r.chains);

/** The per-service-port chains this generator writes; other KUBE- chains (top-level, other tools') are never deleted. */
const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|SEP)-[A-Z2-7]{16}$/;

/** The names among `chains` that are per-service-port chains of this layout. */
const serviceChains = (chains: readonly string[]) => chains.filter((chain) => SERVICE_CHAIN.test(chain));

/**
 * True when the changed ports write the same top-level entries as before
 * (the usual endpoint change: only the port's own chains differ), so the
 * joined sections of the previous sync still hold.
 */
function sameTopEntries(dropped: readonly RenderedServicePort[], written: readonly RenderedServicePort[]): boolean {
  if (dropped.length !== written.length) return false;
  return written.every((w, i) => {
    const d = dropped[i];
    return (
      d.port.name === w.port.name && d.port.protocol === w.port.protocol && TOP_SECTIONS.every((k) => d[k] === w[k])
    );
  });
}

function joinSections(ports: readonly RenderedServicePort[]): Record<TopSection, string> {
  const sections = {} as Record<TopSection, string>;
  for (const section of TOP_SECTIONS) {
    const lines: string[] = [];
    for (const r of ports) if (r[section] !== '') lines.push(r[section]);
    sections[section] = lines.join('\n');
  }
  return sections;
}

function pushText(out: string[], text: string): void {
  if (text !== '') out.push(text);
}
