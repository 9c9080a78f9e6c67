/** A rule in a built-in chain that hands traffic to kube-proxy's top-level chains. */
export interface IptablesJump {
  readonly table: 'filter' | 'nat';
  readonly chain: 'INPUT' | 'FORWARD' | 'OUTPUT' | 'PREROUTING' | 'POSTROUTING';
  /** The rule as an argument list (after `-A <chain>`), for `iptables -C` / `-I` without a shell. */
  readonly rule: readonly string[];
}

const comment = (text: string) => ['-m', 'comment', '--comment', text];
const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];

/**
 * The jumps from built-in chains, as kube-proxy installs them. They live
 * outside the restore text because `iptables-restore --noflush` can only
 * append to a built-in chain; the applier checks each with `-C` and inserts
 * it with `-I` when missing, so they are never duplicated.
 */
export const IPTABLES_JUMPS: readonly IptablesJump[] = [
  {
    table: 'filter',
    chain: 'INPUT',
    rule: [...newConn, ...comment('kubernetes externally-visible service portals'), '-j', 'KUBE-EXTERNAL-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    rule: [...newConn, ...comment('kubernetes externally-visible service portals'), '-j', 'KUBE-EXTERNAL-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    rule: [...newConn, ...comment('kubernetes service portals'), '-j', 'KUBE-SERVICES'],
  },
  { table: 'filter', chain: 'FORWARD', rule: [...comment('kubernetes forwarding rules'), '-j', 'KUBE-FORWARD'] },
  {
    table: 'filter',
    chain: 'OUTPUT',
    rule: [...newConn, ...comment('kubernetes service portals'), '-j', 'KUBE-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'INPUT',
    rule: [...newConn, ...comment('kubernetes load balancer firewall'), '-j', 'KUBE-PROXY-FIREWALL'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    rule: [...newConn, ...comment('kubernetes load balancer firewall'), '-j', 'KUBE-PROXY-FIREWALL'],
  },
  {
    table: 'filter',
    chain: 'OUTPUT',
    rule: [...newConn, ...comment('kubernetes load balancer firewall'), '-j', 'KUBE-PROXY-FIREWALL'],
  },
  { table: 'nat', chain: 'PREROUTING', rule: [...comment('kubernetes service portals'), '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'OUTPUT', rule: [...comment('kubernetes service portals'), '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'POSTROUTING', rule: [...comment('kubernetes postrouting rules'), '-j', 'KUBE-POSTROUTING'] },
];
