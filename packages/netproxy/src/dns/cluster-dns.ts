import { type Logger, silentLogger } from '@flotilla/core';
import dns2 from 'dns2';
import type { ProxyState } from '../state/proxy-state.js';
import { DnsZone } from './dns-records.js';

/** Options for `ClusterDns`. */
export interface ClusterDnsOptions {
  /** Cluster domain; default `cluster.local`. */
  readonly domain?: string;
  /** Listen address; default `127.0.0.1`. */
  readonly host?: string;
  /** UDP port; default 0 (the OS picks one; read it from `start()`). */
  readonly udpPort?: number;
  /** TCP port; default 0. Set `tcp: false` to serve UDP only. */
  readonly tcpPort?: number;
  readonly tcp?: boolean;
  /** Answer TTL in seconds; default 5, as CoreDNS' kubernetes plugin. */
  readonly ttlSeconds?: number;
  readonly logger?: Logger;
}

/** Where the server listens. */
export interface ClusterDnsAddresses {
  readonly udp: { readonly address: string; readonly port: number };
  readonly tcp?: { readonly address: string; readonly port: number };
}

const RCODE_NXDOMAIN = 3;

/**
 * Cluster DNS (kube-dns / CoreDNS' kubernetes plugin) on dns2, over UDP and
 * TCP. Feed it with `update(state)` from `buildProxyState`, or with
 * `followProxyState` from informers. Answers come from the zone built by the
 * last update (see `DnsZone` for the names it serves: A, SRV, CNAME for
 * ExternalName services, PTR under `in-addr.arpa`, the `dns-version` TXT);
 * until the first update every name but `dns-version.<domain>` is NXDOMAIN.
 *
 * Guarantees: every answer carries the `ttlSeconds` TTL and the
 * authoritative flag; a query is answered from one zone, never from a mix
 * of two updates.
 *
 * Caveats: authoritative for the cluster domain and the reverse names of
 * its addresses only: it does not forward other names (they get NXDOMAIN)
 * and does not chase the CNAME of an ExternalName service (the client's
 * resolver asks for the target next, so give pods an upstream resolver for
 * names outside the cluster); it serves IPv4 (A, `in-addr.arpa`) only.
 */
export class ClusterDns {
  private zone: DnsZone;
  private readonly server: dns2.DnsServer;
  private readonly options: ClusterDnsOptions;
  private readonly log: Logger;

  constructor(options: ClusterDnsOptions = {}) {
    this.options = options;
    this.log = options.logger ?? silentLogger();
    this.zone = new DnsZone({ node: emptyNode, servicePorts: [] }, options.domain);
    this.server = dns2.createServer({
      udp: true,
      tcp: options.tcp ?? true,
      handle: (request, send) => {
        const response = dns2.Packet.createResponseFromRequest(request);
        response.header.aa = 1;
        const [question] = request.questions;
        if (question) {
          const result = this.zone.lookup(question.name, question.type);
          if (result.rcode === 'NXDOMAIN') response.header.rcode = RCODE_NXDOMAIN;
          for (const a of result.answers) {
            response.answers.push({
              ...a,
              class: dns2.Packet.CLASS.IN,
              ttl: options.ttlSeconds ?? 5,
            } as dns2.Packet.Resource);
          }
        }
        send(response).catch((err: unknown) => this.log.warn({ err }, 'cluster DNS could not send a response'));
      },
    });
    this.server.on('requestError', (err) => this.log.debug({ err }, 'cluster DNS got a malformed request'));
  }

  /** Replaces the zone with one built from `state`. */
  update(state: ProxyState): void {
    this.zone = new DnsZone(state, this.options.domain);
  }

  /** Starts listening; resolves with the bound addresses. */
  async start(): Promise<ClusterDnsAddresses> {
    const address = this.options.host ?? '127.0.0.1';
    const tcp = this.options.tcp ?? true;
    const bound = await this.server.listen({
      udp: { port: this.options.udpPort ?? 0, address },
      ...(tcp && { tcp: { port: this.options.tcpPort ?? 0, address } }),
    });
    if (!bound.udp) throw new Error(`cluster DNS did not bind UDP on ${address}; check that the address is local`);
    return {
      udp: { address, port: bound.udp.port },
      ...(tcp && bound.tcp && { tcp: { address, port: bound.tcp.port } }),
    };
  }

  /** Stops answering and closes the sockets. */
  async close(): Promise<void> {
    await this.server.close();
  }
}

const emptyNode = { nodeName: 'none', nodeIPs: [], masqueradeBit: 14, masqueradeAll: false };
