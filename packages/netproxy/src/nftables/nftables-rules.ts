import { buildProxyState, masqueradeMark, type ProxyInput, type ProxyState } from '../state/proxy-state.js';
import { samePort } from '../state/state-diff.js';
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

/** What a sync leaves behind for the next incremental sync. Treat as opaque. */
export interface NftablesState {
  readonly proxy: ProxyState;
  readonly table: string;
  readonly options: NftRenderOptions;
  readonly rendered: ReadonlyMap<string, RenderedNftPort>;
  /** How many service ports use each endpoint IP: the shared hairpin set holds the IPs with a count above 0. */
  readonly hairpinRefs: ReadonlyMap<string, number>;
  /** Service ports per load-balancing group size. */
  readonly groups: ReadonlyMap<number, number>;
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
 * - masquerade: `mark-for-masquerade` sets the mark bit, `masquerading`
 *   (postrouting) masquerades marked packets; hairpin traffic (an endpoint
 *   reaching itself) via the `hairpin` set of `ip . ip` pairs.
 *
 * Guarantees: pure and deterministic. A full sync declares, deletes and
 * re-creates the table in one transaction. With `previous`, only elements,
 * chains and sets of changed service ports are deleted and added.
 *
 * Caveats: loadBalancerSourceRanges are not enforced in this mode (use
 * iptables). After a failed apply, call again without `previous`.
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
    JSON.stringify(previous.proxy.node) === JSON.stringify(proxy.node);

  const rendered = new Map<string, RenderedNftPort>();
  const written: RenderedNftPort[] = [];
  for (const port of proxy.servicePorts) {
    const old = incremental ? previous.rendered.get(port.name) : undefined;
    if (old && samePort(old.port, port)) rendered.set(port.name, old);
    else {
      const fresh = renderNftPort(port, options);
      rendered.set(port.name, fresh);
      written.push(fresh);
    }
  }
  if (!incremental) {
    const { hairpinRefs, groups } = countShared(rendered.values());
    const state: NftablesState = { proxy, table, options, rendered, hairpinRefs, groups };
    return { text: fullScript(state), state, full: true, changedServicePorts: written.length };
  }
  const replaced = [...previous.rendered].filter(([name, old]) => rendered.get(name) !== old).map(([, old]) => old);
  const hairpinRefs = new Map(previous.hairpinRefs);
  const groups = new Map(previous.groups);
  const hairpinDelta = { added: new Set<string>(), removed: new Set<string>() };
  for (const old of replaced) {
    for (const ip of old.hairpinIPs) {
      const n = (hairpinRefs.get(ip) ?? 0) - 1;
      if (n > 0) hairpinRefs.set(ip, n);
      else hairpinRefs.delete(ip);
    }
    if (old.group !== undefined) groups.set(old.group, (groups.get(old.group) ?? 0) - 1);
  }
  for (const fresh of written) {
    if (fresh.group !== undefined) groups.set(fresh.group, (groups.get(fresh.group) ?? 0) + 1);
    for (const ip of fresh.hairpinIPs) hairpinRefs.set(ip, (hairpinRefs.get(ip) ?? 0) + 1);
  }
  for (const old of replaced) for (const ip of old.hairpinIPs) if (!hairpinRefs.has(ip)) hairpinDelta.removed.add(ip);
  for (const fresh of written) {
    for (const ip of fresh.hairpinIPs) if (!previous.hairpinRefs.has(ip)) hairpinDelta.added.add(ip);
  }
  for (const [n, count] of groups) if (count <= 0) groups.delete(n);
  const state: NftablesState = { proxy, table, options, rendered, hairpinRefs, groups };
  return {
    text: incrementalScript(previous, state, replaced, written, hairpinDelta),
    state,
    full: false,
    changedServicePorts: written.length,
  };
}

function countShared(ports: Iterable<RenderedNftPort>) {
  const hairpinRefs = new Map<string, number>();
  const groups = new Map<number, number>();
  for (const r of ports) {
    for (const ip of r.hairpinIPs) hairpinRefs.set(ip, (hairpinRefs.get(ip) ?? 0) + 1);
    if (r.group !== undefined) groups.set(r.group, (groups.get(r.group) ?? 0) + 1);
  }
  return { hairpinRefs, groups };
}

const VERDICT_MAPS: readonly [string, string][] = [
  ['service-ips', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['service-nodeports', 'inet_proto . inet_service : verdict'],
  ['no-endpoint-services', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['no-endpoint-nodeports', 'inet_proto . inet_service : verdict'],
];

/** The chains that do not depend on services, leaf chains first. */
function staticChains(state: NftablesState): NftChain[] {
  const mark = masqueradeMark(state.proxy.node);
  const hook = (type: string, hookName: string, priority: string) =>
    `type ${type} hook ${hookName} priority ${priority}; policy accept`;
  return [
    { name: 'mark-for-masquerade', rules: [`meta mark set meta mark or ${mark}`] },
    {
      name: 'masquerading',
      rules: [`meta mark & ${mark} == 0 return`, `meta mark set meta mark xor ${mark}`, 'masquerade fully-random'],
    },
    { name: 'reject-chain', rules: ['reject'] },
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
    { name: 'filter-forward', rules: [hook('filter', 'forward', '-110'), 'ct state new jump service-endpoints-check'] },
    { name: 'filter-output', rules: [hook('filter', 'output', '-110'), 'ct state new jump service-endpoints-check'] },
  ];
}

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
  const ports = [...state.rendered.values()];
  const groups = [...state.groups.keys()].sort((a, b) => a - b);
  const out = [`table ip ${table}`, `delete table ip ${table}`, `table ip ${table} {`];
  for (const [name, type] of VERDICT_MAPS) out.push(`\tmap ${name} {\n\t\ttype ${type}\n\t}`);
  out.push('\tset hairpin {\n\t\ttype ipv4_addr . ipv4_addr\n\t}');
  for (const n of groups) out.push(`\tmap ${groupNames(n).map} {\n\t\t${groupMapDecl(n)}\n\t}`);
  for (const r of ports) for (const s of r.sets) out.push(block('set', s));
  for (const c of staticChains(state).slice(0, 3)) out.push(block('chain', c));
  for (const r of ports) for (const c of r.chains) out.push(block('chain', c));
  for (const n of groups) out.push(block('chain', groupChain(n, state.options)));
  for (const c of staticChains(state).slice(3)) out.push(block('chain', c));
  out.push('}');
  elementLines(out, 'add', `ip ${table}`, allElements(ports));
  elementLines(out, 'add', `ip ${table}`, hairpinElements(state.hairpinRefs.keys()));
  out.push('');
  return out.join('\n');
}

function incrementalScript(
  previous: NftablesState,
  state: NftablesState,
  replaced: readonly RenderedNftPort[],
  written: readonly RenderedNftPort[],
  hairpin: { added: ReadonlySet<string>; removed: ReadonlySet<string> },
): string {
  const t = `ip ${state.table}`;
  const out: string[] = [];
  const newGroups = [...state.groups.keys()].filter((n) => !previous.groups.has(n)).sort((a, b) => a - b);
  for (const n of newGroups) {
    const g = groupChain(n, state.options);
    out.push(`add map ${t} ${groupNames(n).map} { ${groupMapDecl(n)}; }`, `add chain ${t} ${g.name}`);
    for (const rule of g.rules) out.push(`add rule ${t} ${g.name} ${rule}`);
  }
  const oldChains = new Set(replaced.flatMap((r) => r.chains.map((c) => c.name)));
  const newChains = new Set(written.flatMap((r) => r.chains.map((c) => c.name)));
  const oldSets = new Set(replaced.flatMap((r) => r.sets.map((s) => s.name)));
  const newSets = new Set(written.flatMap((r) => r.sets.map((s) => s.name)));
  for (const r of written) {
    for (const s of r.sets) if (!oldSets.has(s.name)) out.push(`add set ${t} ${s.name} { ${s.rules.join('; ')}; }`);
  }
  for (const name of newChains) if (!oldChains.has(name)) out.push(`add chain ${t} ${name}`);
  elementLines(out, 'delete', t, allElements(replaced), true);
  elementLines(out, 'delete', t, hairpinElements(hairpin.removed), true);
  for (const name of oldChains) out.push(`flush chain ${t} ${name}`);
  for (const r of written)
    for (const c of r.chains) for (const rule of c.rules) out.push(`add rule ${t} ${c.name} ${rule}`);
  elementLines(out, 'add', t, allElements(written));
  elementLines(out, 'add', t, hairpinElements(hairpin.added));
  for (const name of oldChains) if (!newChains.has(name)) out.push(`delete chain ${t} ${name}`);
  for (const name of oldSets) if (!newSets.has(name)) out.push(`delete set ${t} ${name}`);
  for (const n of [...previous.groups.keys()].filter((g) => !state.groups.has(g)).sort((a, b) => a - b)) {
    const { chain, map } = groupNames(n);
    out.push(`flush chain ${t} ${chain}`, `delete chain ${t} ${chain}`, `delete map ${t} ${map}`);
  }
  out.push('');
  return out.join('\n');
}
