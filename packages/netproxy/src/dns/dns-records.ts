import type { ExternalNameService, ProxyEndpoint, ProxyState, ServicePortState } from '../state/proxy-state.js';
import { srvWeight } from './srv-weight.js';

/** DNS record types the cluster DNS answers, by their numbers on the wire (RFC 1035, RFC 2782). */
export const RecordType = { A: 1, CNAME: 5, PTR: 12, TXT: 16, SRV: 33 } as const;

/** One answer record, in the fields dns2 encodes (`domain` for CNAME and PTR, `data` for TXT). */
export type DnsAnswer =
  | { readonly name: string; readonly type: typeof RecordType.A; readonly address: string }
  | { readonly name: string; readonly type: typeof RecordType.CNAME; readonly domain: string }
  | { readonly name: string; readonly type: typeof RecordType.PTR; readonly domain: string }
  | { readonly name: string; readonly type: typeof RecordType.TXT; readonly data: string }
  | {
      readonly name: string;
      readonly type: typeof RecordType.SRV;
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
    };

/** The outcome of a lookup: `NXDOMAIN` when the name does not exist, else the answers of the asked type (maybe none). */
export interface DnsLookup {
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  readonly answers: readonly DnsAnswer[];
}

/** The version of Kubernetes' DNS-based service discovery specification the zone follows (its section 2.2). */
const SCHEMA_VERSION = '1.1.0';

const dashedIpRe = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(-(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/**
 * The cluster's DNS zone, built from a proxy state, following Kubernetes'
 * DNS-based service discovery specification (version 1.1.0):
 *
 * - `<svc>.<ns>.svc.<domain>` A: the ClusterIP, or for a headless service
 *   the ready endpoints' IPs (a headless service without ready endpoints
 *   does not exist: NXDOMAIN, as the specification says);
 * - `<host>.<svc>.<ns>.svc.<domain>` A for each ready endpoint of a headless
 *   service (`host` = its hostname, else its IP with dashes);
 * - `_<port>._<proto>.<svc>.<ns>.svc.<domain>` SRV for named ports (headless:
 *   one per ready endpoint, targeting its host name);
 * - `<svc>.<ns>.svc.<domain>` CNAME `spec.externalName` for ExternalName
 *   services (`state.externalNames`), whatever type is asked;
 * - `<d>.<c>.<b>.<a>.in-addr.arpa` PTR `<svc>.<ns>.svc.<domain>` for each
 *   ClusterIP `a.b.c.d`, and PTR `<host>.<svc>.<ns>.svc.<domain>` for each
 *   ready endpoint of a headless service (the same `host` as its A record,
 *   so the reverse name always resolves forward again);
 * - `<a-b-c-d>.<ns>.pod.<domain>` A `a.b.c.d` (CoreDNS' `pods insecure`);
 * - `dns-version.<domain>` TXT `1.1.0`, the schema version;
 * - NXDOMAIN for every other name, NOERROR without answers for names that
 *   exist only as parents (`<ns>.svc.<domain>`, `10.in-addr.arpa`) or for
 *   other record types.
 *
 * Guarantees: lookups are case-insensitive and ignore a trailing dot, so
 * resolvers walking a search path get a quick NXDOMAIN for each miss. A
 * CNAME name holds no other record (RFC 1034 section 3.6.2).
 *
 * Caveats: a CNAME is answered as it is, never chased, even when it points
 * into the cluster domain: the client's resolver follows it, as with
 * CoreDNS for names outside its zones. The state is trusted to be validated
 * (`buildProxyState` does), so names are not checked again here. Reverse
 * records cover IPv4 only, as the proxy state does.
 */
export class DnsZone {
  private readonly records = new Map<string, DnsAnswer[]>();
  private readonly parents = new Set<string>();
  /** The records of names that have several, as JSON: the same record from two ports of a service is kept once. */
  private readonly recordKeys = new Map<string, Set<string>>();
  private readonly domain: string;

  constructor(state: ProxyState, domain = 'cluster.local') {
    this.domain = domain.toLowerCase().replace(/\.$/, '');
    const version = `dns-version.${this.domain}`;
    this.add(version, { name: version, type: RecordType.TXT, data: SCHEMA_VERSION });
    const byService = new Map<string, ServicePortState[]>();
    for (const port of state.servicePorts) {
      const key = `${port.serviceName}.${port.namespace}`;
      const list = byService.get(key) ?? [];
      list.push(port);
      byService.set(key, list);
    }
    for (const [key, ports] of byService) this.addService(`${key}.svc.${this.domain}`, ports);
    for (const alias of state.externalNames ?? []) this.addAlias(alias);
  }

  /** Answers a query for `name` and record `type` (A, SRV, ...): NXDOMAIN for names outside the zone's records. */
  lookup(name: string, type: number): DnsLookup {
    const fqdn = name.toLowerCase().replace(/\.$/, '');
    const records = this.records.get(fqdn) ?? this.podRecord(fqdn);
    if (records) {
      // An alias answers every type with itself (RFC 1034 section 4.3.2): the resolver then asks for the target.
      const aliased = records.length === 1 && records[0].type === RecordType.CNAME;
      return { rcode: 'NOERROR', answers: aliased ? records : records.filter((r) => r.type === type) };
    }
    if (this.parents.has(fqdn)) return { rcode: 'NOERROR', answers: [] };
    return { rcode: 'NXDOMAIN', answers: [] };
  }

  private podRecord(fqdn: string): DnsAnswer[] | undefined {
    const suffix = `.pod.${this.domain}`;
    if (!fqdn.endsWith(suffix)) return undefined;
    const labels = fqdn.slice(0, -suffix.length).split('.');
    if (labels.length !== 2 || !dashedIpRe.test(labels[0])) return undefined;
    return [{ name: fqdn, type: RecordType.A, address: labels[0].replaceAll('-', '.') }];
  }

  private add(name: string, answer: DnsAnswer): void {
    const list = this.records.get(name);
    if (list === undefined) {
      this.records.set(name, [answer]);
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1))
        this.parents.add(name.slice(dot + 1));
      return;
    }
    // A set per name with more than one record, not a scan of its list: a headless service with n ready
    // endpoints puts n records under one name, and comparing each with those before was quadratic.
    let keys = this.recordKeys.get(name);
    if (keys === undefined) {
      keys = new Set(list.map((r) => JSON.stringify(r)));
      this.recordKeys.set(name, keys);
    }
    const key = JSON.stringify(answer);
    if (keys.has(key)) return;
    keys.add(key);
    list.push(answer);
  }

  /** Adds the PTR record `ip`'s reverse name -> `target`. */
  private addPointer(ip: string, target: string): void {
    const reverse = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
    this.add(reverse, { name: reverse, type: RecordType.PTR, domain: target });
  }

  private addAlias({ namespace, name, externalName }: ExternalNameService): void {
    const serviceName = `${name}.${namespace}.svc.${this.domain}`;
    this.add(serviceName, { name: serviceName, type: RecordType.CNAME, domain: externalName });
  }

  private addService(serviceName: string, ports: readonly ServicePortState[]): void {
    const clusterIP = ports[0].clusterIP;
    if (clusterIP !== undefined) {
      this.add(serviceName, { name: serviceName, type: RecordType.A, address: clusterIP });
      this.addPointer(clusterIP, serviceName);
      for (const port of ports) {
        if (!port.portName) continue;
        const srv = `_${port.portName}._${port.protocol}.${serviceName}`;
        this.add(srv, {
          name: srv,
          type: RecordType.SRV,
          priority: 0,
          weight: 100,
          port: port.port,
          target: serviceName,
        });
      }
      return;
    }
    for (const port of ports) {
      const ready = port.endpoints.filter((e) => e.ready);
      const weight = srvWeight(ready.length);
      for (const ep of ready) {
        const host = `${hostLabel(ep)}.${serviceName}`;
        this.add(serviceName, { name: serviceName, type: RecordType.A, address: ep.ip });
        this.add(host, { name: host, type: RecordType.A, address: ep.ip });
        this.addPointer(ep.ip, host);
        if (!port.portName) continue;
        const srv = `_${port.portName}._${port.protocol}.${serviceName}`;
        this.add(srv, { name: srv, type: RecordType.SRV, priority: 0, weight, port: ep.port, target: host });
      }
    }
  }
}

function hostLabel(ep: ProxyEndpoint): string {
  return ep.hostname ?? ep.ip.replaceAll('.', '-');
}
