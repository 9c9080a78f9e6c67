import { buildProxyState, masqueradeMark, type ProxyInput, type ProxyState } from '../state/proxy-state.js';
import { carryOver } from '../state/state-diff.js';
import { groupNames } from './nft-names.js';
import {
  masqueradeRule,
  type NftChain,
  type NftElement,
  type NftRenderOptions,
  type RenderedNftPort,
  renderNftPort,
} from './render-nft-port.js';

/** The default table name; distinct from kube-proxy's `kube-proxy` so both can be tried on one host. */
export const DEFAULT_NFT_TABLE = 'flotilla';

/**
 * Counts shared by the states of one line of syncs, updated in place by each
 * incremental sync (copying 100,000 entries per sync would cost more than
 * the sync): how many ports use each endpoint IP (the hairpin set holds the
 * IPs counted above 0) and each load-balancing group.
 */
interface SharedCounts {
  version: number;
  readonly hairpinRefs: Map<string, number>;
  readonly groups: Map<number, number>;
}

/**
 * What a sync leaves behind for the next incremental sync. Treat as opaque.
 * A state can be `previous` once: passing an older one again (its counts
 * have moved on) gives a full sync.
 */
export interface NftablesState {
  readonly proxy: ProxyState;
  readonly table: string;
  readonly options: NftRenderOptions;
  /** One rendering per port of `proxy.servicePorts`, in the same order. */
  readonly rendered: readonly RenderedNftPort[];
  readonly counts: SharedCounts;
  readonly version: number;
}

/** Input of `nftablesRules`. */
export interface NftablesInput extends ProxyInput {
  /** Table name (in family `ip`); default `flotilla`. Must be a plain identifier. */
  readonly table?: string;
  readonly previous?: NftablesState;
}

/** One generated nftables sync. */
export interface NftablesRules {
  /** An `nft -f` script: the whole table (replacing it atomically) or element-wise changes. */
  readonly text: string;
  readonly state: NftablesState;
  readonly full: boolean;
  readonly changedServicePorts: number;
}

const tableNameRe = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Generates an nftables ruleset designed for load speed as well as packet
 * speed: one `ip` table where
 *
 * - `services` does one lookup, `ip daddr . meta l4proto . th dport vmap
 *   @service-ips`; NodePorts (`fib daddr type local`) one in
 *   `@service-nodeports`;
 * - a plain service (no affinity) has no chain: its ClusterIP element jumps
 *   to the shared chain `lb-<n>` of all services with n endpoints, which does
 *   `dnat ip to ip daddr . meta l4proto . th dport . numgen random mod n map
 *   @lb-<n>-endpoints`, so chains grow with the number of distinct endpoint
 *   counts, not with services (`nft -f` time grows faster than linearly
 *   with chains);
 * - ClientIP affinity uses kube-proxy's layout (a chain per endpoint
 *   updating a dynamic set with a timeout); external destinations
 *   (NodePort, externalIPs, load balancer IPs) get one `ext-` chain;
 * - services without endpoints are in `@no-endpoint-services` /
 *   `@no-endpoint-nodeports` (REJECT, or DROP when only local endpoints are
 *   missing), checked in filter hooks before DNAT;
 * - loadBalancerSourceRanges: `firewall-check` (filter prerouting and
 *   output, before DNAT) looks the packet up in `@firewall-ips`, whose
 *   element per ingress IP and port goes to that port's `fw-` chain,
 *   `ip saddr != { <ranges> } drop` (the iptables mode's KUBE-FW). Only
 *   ports with ranges, ingress IPs and endpoints have one; the others
 *   cost nothing;
 * - masquerade: `mark-for-masquerade` sets the mark bit, `masquerading`
 *   (postrouting) masquerades marked packets; hairpin traffic (an endpoint
 *   reaching itself) via the `hairpin` set of `ip . ip` pairs.
 *
 * Guarantees: pure and deterministic. A full sync declares, deletes and
 * re-creates the table in one transaction. With `previous`, only elements,
 * chains and sets of changed service ports are deleted and added.
 *
 * Caveats: sources outside a port's ranges are dropped (the client times
 * out), as in the iptables mode; a load balancer port without endpoints is
 * rejected or dropped whatever the source. After a failed apply, call again
 * without `previous`.
 */
export function nftablesRules(input: NftablesInput): NftablesRules {
  const table = input.table ?? DEFAULT_NFT_TABLE;
  if (!tableNameRe.test(table)) {
    throw new RangeError(
      `nftables table name ${JSON.stringify(table)} is invalid: use 1-32 of [a-z0-9_-], starting with a letter`,
    );
  }
  const previous = input.previous;
  const proxy = buildProxyState(input, previous?.proxy);
  const options: NftRenderOptions = { clusterCIDR: proxy.node.clusterCIDR, masqueradeAll: proxy.node.masqueradeAll };
  const incremental =
    previous !== undefined &&
    previous.table === table &&
    previous.version === previous.counts.version &&
    JSON.stringify(previous.proxy.node) === JSON.stringify(proxy.node);
  const { rendered, written, dropped } = carryOver(
    incremental ? previous.rendered : [],
    proxy.servicePorts,
    (port) => renderNftPort(port, options),
    incremental ? previous.proxy.servicePorts : undefined,
  );
  if (!incremental) {
    const counts: SharedCounts = { version: 0, hairpinRefs: new Map(), groups: new Map() };
    countPorts(counts, [], rendered);
    const state: NftablesState = { proxy, table, options, rendered, counts, version: 0 };
    return { text: fullScript(state), state, full: true, changedServicePorts: written.length };
  }
  const counts = previous.counts;
  const changes = countPorts(counts, dropped, written);
  counts.version++;
  const state: NftablesState = { proxy, table, options, rendered, counts, version: counts.version };
  return {
    text: incrementalScript(state, dropped, written, changes),
    state,
    full: false,
    changedServicePorts: written.length,
  };
}

/** Shared elements and chains that appear or disappear in a sync. */
interface SharedChanges {
  readonly hairpinAdded: ReadonlySet<string>;
  readonly hairpinRemoved: ReadonlySet<string>;
  readonly groupsAdded: readonly number[];
  readonly groupsRemoved: readonly number[];
}

/** Updates `counts` for dropped and written renderings; returns what appeared and what went. */
function countPorts(
  counts: SharedCounts,
  dropped: readonly RenderedNftPort[],
  written: readonly RenderedNftPort[],
): SharedChanges {
  const hairpinAdded = new Set<string>();
  const hairpinRemoved = new Set<string>();
  const groupsBefore = new Map<number, number>();
  const bump = (group: number, by: number) => {
    const n = counts.groups.get(group) ?? 0;
    if (!groupsBefore.has(group)) groupsBefore.set(group, n);
    if (n + by > 0) counts.groups.set(group, n + by);
    else counts.groups.delete(group);
  };
  for (const old of dropped) {
    for (const ip of old.hairpinIPs) {
      const n = (counts.hairpinRefs.get(ip) ?? 0) - 1;
      if (n > 0) counts.hairpinRefs.set(ip, n);
      else {
        counts.hairpinRefs.delete(ip);
        hairpinRemoved.add(ip);
      }
    }
    if (old.group !== undefined) bump(old.group, -1);
  }
  for (const fresh of written) {
    for (const ip of fresh.hairpinIPs) {
      const n = counts.hairpinRefs.get(ip) ?? 0;
      counts.hairpinRefs.set(ip, n + 1);
      if (n > 0) continue;
      // Back from zero within this sync: it was there before, so it is neither removed nor added.
      if (hairpinRemoved.has(ip)) hairpinRemoved.delete(ip);
      else hairpinAdded.add(ip);
    }
    if (fresh.group !== undefined) bump(fresh.group, 1);
  }
  const groupsAdded: number[] = [];
  const groupsRemoved: number[] = [];
  for (const [group, before] of groupsBefore) {
    const after = counts.groups.get(group) ?? 0;
    if (before === 0 && after > 0) groupsAdded.push(group);
    if (before > 0 && after === 0) groupsRemoved.push(group);
  }
  return {
    hairpinAdded,
    hairpinRemoved,
    groupsAdded: groupsAdded.sort((a, b) => a - b),
    groupsRemoved: groupsRemoved.sort((a, b) => a - b),
  };
}

const VERDICT_MAPS: readonly [string, string][] = [
  ['service-ips', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['service-nodeports', 'inet_proto . inet_service : verdict'],
  ['no-endpoint-services', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['no-endpoint-nodeports', 'inet_proto . inet_service : verdict'],
  ['firewall-ips', 'ipv4_addr . inet_proto . inet_service : verdict'],
];

/** Chains that do not depend on services and jump nowhere: written before every chain that jumps to them. */
function leafChains(state: NftablesState): NftChain[] {
  const mark = masqueradeMark(state.proxy.node);
  return [
    { name: 'mark-for-masquerade', rules: [`meta mark set meta mark or ${mark}`] },
    {
      name: 'masquerading',
      rules: [`meta mark & ${mark} == 0 return`, `meta mark set meta mark xor ${mark}`, 'masquerade fully-random'],
    },
    { name: 'reject-chain', rules: ['reject'] },
  ];
}

const hook = (type: string, hookName: string, priority: string) =>
  `type ${type} hook ${hookName} priority ${priority}; policy accept`;

/** The lookup chains and the base chains hooked into netfilter: written last, after every chain they reach. */
const ENTRY_CHAINS: readonly NftChain[] = [
  { name: 'firewall-check', rules: ['ip daddr . meta l4proto . th dport vmap @firewall-ips'] },
  { name: 'service-endpoints-check', rules: ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services'] },
  {
    name: 'nodeport-endpoints-check',
    rules: ['fib daddr type local meta l4proto . th dport vmap @no-endpoint-nodeports'],
  },
  {
    name: 'services',
    rules: [
      'ip daddr . meta l4proto . th dport vmap @service-ips',
      'fib daddr type local meta l4proto . th dport vmap @service-nodeports',
    ],
  },
  { name: 'nat-prerouting', rules: [hook('nat', 'prerouting', 'dstnat'), 'jump services'] },
  { name: 'nat-output', rules: [hook('nat', 'output', '-100'), 'jump services'] },
  {
    name: 'nat-postrouting',
    rules: [
      hook('nat', 'postrouting', 'srcnat'),
      'ct status dnat ip saddr . ip daddr @hairpin masquerade',
      'jump masquerading',
    ],
  },
  {
    name: 'filter-input',
    rules: [
      hook('filter', 'input', '-110'),
      'ct state new jump nodeport-endpoints-check',
      'ct state new jump service-endpoints-check',
    ],
  },
  // The firewall must see the load balancer IP, so it runs before DNAT (dstnat - 10, as kube-proxy's).
  { name: 'filter-prerouting', rules: [hook('filter', 'prerouting', '-110'), 'ct state new jump firewall-check'] },
  { name: 'filter-forward', rules: [hook('filter', 'forward', '-110'), 'ct state new jump service-endpoints-check'] },
  {
    name: 'filter-output',
    rules: [
      hook('filter', 'output', '-110'),
      'ct state new jump firewall-check',
      'ct state new jump service-endpoints-check',
    ],
  },
];

function groupMapDecl(n: number): string {
  return `typeof ip daddr . meta l4proto . th dport . numgen random mod ${n} : ip daddr . th dport`;
}

function groupChain(n: number, options: NftRenderOptions): NftChain {
  const masq = masqueradeRule(options);
  const { chain, map } = groupNames(n);
  const dnat = `dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${n} map @${map}`;
  return { name: chain, rules: masq ? [masq, dnat] : [dnat] };
}

const block = (kind: string, c: NftChain) => `\t${kind} ${c.name} {\n${c.rules.map((r) => `\t\t${r}\n`).join('')}\t}`;

/** Appends `add|delete element` lines, one per map or set, in a stable order. */
function elementLines(
  out: string[],
  verb: 'add' | 'delete',
  qualifiedTable: string,
  elements: Iterable<NftElement>,
  keyOnly = false,
) {
  const bySet = new Map<string, string[]>();
  for (const e of elements) {
    const element = keyOnly ? e.element.split(' : ')[0] : e.element;
    const list = bySet.get(e.set);
    if (list) list.push(element);
    else bySet.set(e.set, [element]);
  }
  for (const set of [...bySet.keys()].sort()) {
    out.push(`${verb} element ${qualifiedTable} ${set} { ${bySet.get(set)!.join(', ')} }`);
  }
}

function* allElements(ports: Iterable<RenderedNftPort>): Iterable<NftElement> {
  for (const r of ports) yield* r.elements;
}

const hairpinElements = (ips: Iterable<string>): NftElement[] =>
  [...ips].map((ip) => ({ set: 'hairpin', element: `${ip} . ${ip}` }));

function fullScript(state: NftablesState): string {
  const { table } = state;
  const ports = state.rendered;
  const groups = [...state.counts.groups.keys()].sort((a, b) => a - b);
  const out = [`table ip ${table}`, `delete table ip ${table}`, `table ip ${table} {`];
  for (const [name, type] of VERDICT_MAPS) out.push(`\tmap ${name} {\n\t\ttype ${type}\n\t}`);
  out.push('\tset hairpin {\n\t\ttype ipv4_addr . ipv4_addr\n\t}');
  for (const n of groups) out.push(`\tmap ${groupNames(n).map} {\n\t\t${groupMapDecl(n)}\n\t}`);
  for (const r of ports) for (const s of r.sets) out.push(block('set', s));
  for (const c of leafChains(state)) out.push(block('chain', c));
  for (const r of ports) for (const c of r.chains) out.push(block('chain', c));
  for (const n of groups) out.push(block('chain', groupChain(n, state.options)));
  for (const c of ENTRY_CHAINS) out.push(block('chain', c));
  out.push('}');
  elementLines(out, 'add', `ip ${table}`, allElements(ports));
  elementLines(out, 'add', `ip ${table}`, hairpinElements(state.counts.hairpinRefs.keys()));
  out.push('');
  return out.join('\n');
}

function incrementalScript(
  state: NftablesState,
  dropped: readonly RenderedNftPort[],
  written: readonly RenderedNftPort[],
  changes: SharedChanges,
): string {
  const t = `ip ${state.table}`;
  const out: string[] = [];
  for (const n of changes.groupsAdded) {
    const g = groupChain(n, state.options);
    out.push(`add map ${t} ${groupNames(n).map} { ${groupMapDecl(n)}; }`, `add chain ${t} ${g.name}`);
    for (const rule of g.rules) out.push(`add rule ${t} ${g.name} ${rule}`);
  }
  const oldChains = new Set(dropped.flatMap((r) => r.chains.map((c) => c.name)));
  const newChains = new Set(written.flatMap((r) => r.chains.map((c) => c.name)));
  const oldSets = new Set(dropped.flatMap((r) => r.sets.map((s) => s.name)));
  const newSets = new Set(written.flatMap((r) => r.sets.map((s) => s.name)));
  for (const r of written) {
    for (const s of r.sets) if (!oldSets.has(s.name)) out.push(`add set ${t} ${s.name} { ${s.rules.join('; ')}; }`);
  }
  for (const name of newChains) if (!oldChains.has(name)) out.push(`add chain ${t} ${name}`);
  elementLines(out, 'delete', t, allElements(dropped), true);
  elementLines(out, 'delete', t, hairpinElements(changes.hairpinRemoved), true);
  for (const name of oldChains) out.push(`flush chain ${t} ${name}`);
  for (const r of written)
    for (const c of r.chains) for (const rule of c.rules) out.push(`add rule ${t} ${c.name} ${rule}`);
  elementLines(out, 'add', t, allElements(written));
  elementLines(out, 'add', t, hairpinElements(changes.hairpinAdded));
  for (const name of oldChains) if (!newChains.has(name)) out.push(`delete chain ${t} ${name}`);
  for (const name of oldSets) if (!newSets.has(name)) out.push(`delete set ${t} ${name}`);
  for (const n of changes.groupsRemoved) {
    const { chain, map } = groupNames(n);
    out.push(`flush chain ${t} ${chain}`, `delete chain ${t} ${chain}`, `delete map ${t} ${map}`);
  }
  out.push('');
  return out.join('\n');
}
