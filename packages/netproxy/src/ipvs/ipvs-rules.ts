import {
  buildProxyState,
  type ProxyEndpoint,
  type ProxyInput,
  type ProxyState,
  type ServicePortState,
} from '../state/proxy-state.js';

/** IPVS schedulers ipvsadm accepts. */
export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'mh'] as const;
/** An IPVS scheduler name. */
export type IpvsScheduler = (typeof IPVS_SCHEDULERS)[number];

/** The dummy interface kube-proxy binds service addresses to, so the node accepts their traffic. */
export const IPVS_DUMMY_INTERFACE = 'kube-ipvs0';

/** One IPVS virtual server and its real servers, as ipvsadm lines. */
export interface VirtualServer {
  /** `-t 10.0.0.1:80` style service address argument pair. */
  readonly service: string;
  /** The `-A` line without the leading `-A `. */
  readonly definition: string;
  /** Real-server address (`ip:port`) to its `-a` line. */
  readonly reals: ReadonlyMap<string, string>;
}

/** What a sync leaves for the next one. Treat as opaque. */
export interface IpvsState {
  readonly proxy: ProxyState;
  readonly virtualServers: ReadonlyMap<string, VirtualServer>;
}

/** Input of `ipvsRules`. */
export interface IpvsInput extends ProxyInput {
  /** Default `rr`. */
  readonly scheduler?: IpvsScheduler;
  readonly previous?: IpvsState;
}

/** One generated IPVS sync. */
export interface IpvsRules {
  /** `ipvsadm-restore` input. Full: starts with `-C` (clear). Partial: `-A`/`-E`/`-D`/`-a`/`-d` for changes. */
  readonly text: string;
  readonly state: IpvsState;
  readonly full: boolean;
  /** Addresses to bind to `kube-ipvs0` (ClusterIPs, external IPs, load balancer IPs), sorted. */
  readonly addresses: readonly string[];
}

const protoFlag = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;

/**
 * Generates IPVS rules as kube-proxy's IPVS mode lays them out: a virtual
 * server per ClusterIP, NodePort (on every node IP), external IP and load
 * balancer IP with its port and protocol; masquerading (`-m`) real servers
 * per usable endpoint (local ones only where the traffic policy is Local);
 * ClientIP affinity as persistence (`-p <timeout>`).
 *
 * Guarantees: pure and deterministic; with `previous`, only differences.
 *
 * Caveats: the kernel this project is developed on has no IPVS module, so
 * this text is tested for structure only, never applied here. Masquerade
 * and packet filtering around IPVS (kube-proxy's ipset rules) are not
 * generated.
 */
export function ipvsRules(input: IpvsInput): IpvsRules {
  const scheduler = input.scheduler ?? 'rr';
  if (!(IPVS_SCHEDULERS as readonly string[]).includes(scheduler)) {
    throw new RangeError(
      `IPVS scheduler ${JSON.stringify(scheduler)} is not supported; use one of ${IPVS_SCHEDULERS.join(', ')}`,
    );
  }
  const proxy = buildProxyState(input, input.previous?.proxy);
  const virtualServers = new Map<string, VirtualServer>();
  const addresses = new Set<string>();
  for (const port of proxy.servicePorts) {
    if (port.clusterIP === undefined) continue;
    const internal = port.internalPolicyLocal ? port.localEndpoints : port.clusterEndpoints;
    const external = port.externalPolicyLocal ? port.localEndpoints : port.clusterEndpoints;
    const add = (ip: string, servicePort: number, eps: readonly ProxyEndpoint[]) =>
      virtualServers.set(`${port.protocol}:${ip}:${servicePort}`, virtualServer(port, ip, servicePort, eps, scheduler));
    add(port.clusterIP, port.port, internal);
    addresses.add(port.clusterIP);
    for (const ip of [...port.externalIPs, ...port.loadBalancerIPs]) {
      add(ip, port.port, external);
      addresses.add(ip);
    }
    if (port.nodePort !== undefined) for (const ip of proxy.node.nodeIPs) add(ip, port.nodePort, external);
  }
  const previous = input.previous;
  const out: string[] = [];
  if (!previous) {
    out.push('-C');
    for (const vs of virtualServers.values()) out.push(`-A ${vs.definition}`, ...vs.reals.values());
  } else {
    for (const [key, old] of previous.virtualServers) if (!virtualServers.has(key)) out.push(`-D ${old.service}`);
    for (const [key, vs] of virtualServers) {
      const old = previous.virtualServers.get(key);
      if (!old) {
        out.push(`-A ${vs.definition}`, ...vs.reals.values());
        continue;
      }
      if (old.definition !== vs.definition) out.push(`-E ${vs.definition}`);
      for (const [real] of old.reals) if (!vs.reals.has(real)) out.push(`-d ${vs.service} -r ${real}`);
      for (const [real, line] of vs.reals) if (old.reals.get(real) !== line) out.push(line);
    }
  }
  out.push('');
  return {
    text: out.join('\n'),
    state: { proxy, virtualServers },
    full: !previous,
    addresses: [...addresses].sort(),
  };
}

function virtualServer(
  port: ServicePortState,
  ip: string,
  servicePort: number,
  endpoints: readonly ProxyEndpoint[],
  scheduler: IpvsScheduler,
): VirtualServer {
  const service = `${protoFlag[port.protocol]} ${ip}:${servicePort}`;
  const persistence = port.affinityTimeoutSeconds !== undefined ? ` -p ${port.affinityTimeoutSeconds}` : '';
  const reals = new Map<string, string>();
  for (const ep of endpoints) reals.set(`${ep.ip}:${ep.port}`, `-a ${service} -r ${ep.ip}:${ep.port} -m -w 1`);
  return { service, definition: `${service} -s ${scheduler}${persistence}`, reals };
}
