import type { Socket } from 'node:net';
import { type ComponentLifecycle, LifecycleGates, type Logger, silentLogger } from '@flotilla/core';
import dns2 from 'dns2';
import { type ProxyInput, type ProxyState, proxyStateOf } from '../state/proxy-state.js';
import { DnsZone } from './dns-records.js';
import { listenOn } from './listen-on.js';

/** Options for `ClusterDns`. */
export interface ClusterDnsOptions {
  /** Cluster domain; default `cluster.local`. */
  readonly domain?: string;
  /** Listen address; default `127.0.0.1`. */
  readonly host?: string;
  /** UDP port; default 0 (the OS picks one; read it from `start()`). */
  readonly udpPort?: number;
  /**
   * TCP port; default the UDP port, where resolvers retry an answer that was
   * truncated over UDP (RFC 7766). Set `tcp: false` to serve UDP only.
   */
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

/** Tries at one port for UDP and TCP when the OS picks it and the TCP side of its pick is taken. */
const SAME_PORT_ATTEMPTS = 8;

/** The listening sockets of a started server. */
interface Sockets {
  readonly udp: dns2.UDPServer;
  readonly tcp?: dns2.TCPServer;
  /** Open TCP connections, ended by `close()` rather than left to dns2's idle timeout. */
  readonly connections: Set<Socket>;
}

/**
 * Cluster DNS (kube-dns / CoreDNS' kubernetes plugin) on dns2, over UDP and
 * TCP. Feed it with `update(input)` (Services and EndpointSlices, or a built state), or with
 * `followProxyState` from informers. Answers come from the zone built by the
 * last update (see `DnsZone` for the names it serves: A, SRV, CNAME for
 * ExternalName services, PTR under `in-addr.arpa`, the `dns-version` TXT);
 * until the first update every name but `dns-version.<domain>` is NXDOMAIN.
 *
 * Guarantees: every answer carries the `ttlSeconds` TTL and the
 * authoritative flag; a query is answered from one zone, never from a mix
 * of two updates. An answer too large for a UDP datagram is sent truncated
 * (TC set), and TCP listens on the UDP port unless `tcpPort` says
 * otherwise, so resolvers retry it there over TCP and get every record.
 *
 * Caveats: authoritative for the cluster domain and the reverse names of
 * its addresses only: it does not forward other names (they get NXDOMAIN)
 * and does not chase the CNAME of an ExternalName service (the client's
 * resolver asks for the target next, so give pods an upstream resolver for
 * names outside the cluster); it serves IPv4 (A, `in-addr.arpa`) only. One
 * `start()` per `close()`.
 */
export class ClusterDns implements ComponentLifecycle {
  private zone: DnsZone;
  private readonly options: ClusterDnsOptions;
  private readonly log: Logger;
  private sockets: Sockets | undefined;
  private state: ProxyState | undefined;
  private gates = new LifecycleGates();
  /** Whether `gates` belong to a run not yet begun (read before `start`, they are that run's). */
  private fresh = true;

  constructor(options: ClusterDnsOptions = {}) {
    this.options = options;
    this.log = options.logger ?? silentLogger();
    this.zone = new DnsZone({ node: emptyNode, servicePorts: [] }, options.domain);
  }

  /**
   * Replaces the zone with one built from `input`: Services and
   * EndpointSlices with node facts (a `ProxyInput`, as the rule generators
   * take) or a state already built from them.
   */
  update(input: ProxyState | ProxyInput): void {
    this.state = proxyStateOf(input, this.state);
    this.zone = new DnsZone(this.state, this.options.domain);
  }

  /**
   * Starts listening; resolves with the bound addresses (and `ready`
   * settles). Rejects with the socket's error (e.g. `EADDRINUSE`) when a
   * port cannot be bound. Aborting `signal` stops it as `stop()` does.
   */
  async start(signal?: AbortSignal): Promise<ClusterDnsAddresses> {
    if (this.sockets) throw new Error('cluster DNS is already listening; call stop() before starting it again');
    if (!this.fresh) this.gates = new LifecycleGates();
    this.fresh = false;
    const addresses = await this.listen();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.gates.markReady();
    return addresses;
  }

  /** Settles once the sockets of the current run are bound. */
  get ready(): Promise<void> {
    return this.gates.ready;
  }

  /** Settles once `stop` has closed the current run's sockets. */
  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  private async listen(): Promise<ClusterDnsAddresses> {
    const address = this.options.host ?? '127.0.0.1';
    const serveTcp = this.options.tcp ?? true;
    const osPicksBoth = serveTcp && !this.options.udpPort && this.options.tcpPort === undefined;
    for (let attempt = 1; ; attempt++) {
      const udp = dns2.createUDPServer(this.handle);
      this.watch(udp);
      const udpPort = await listenOn(udp, this.options.udpPort ?? 0, address);
      if (!serveTcp) {
        this.sockets = { udp, connections: new Set() };
        return { udp: { address, port: udpPort } };
      }
      const tcp = dns2.createTCPServer(this.handle);
      this.watch(tcp);
      const connections = new Set<Socket>();
      tcp.on('connection', (socket: Socket) => {
        connections.add(socket);
        socket.once('close', () => connections.delete(socket));
      });
      try {
        const tcpPort = await listenOn(tcp, this.options.tcpPort ?? udpPort, address);
        this.sockets = { udp, tcp, connections };
        return { udp: { address, port: udpPort }, tcp: { address, port: tcpPort } };
      } catch (err) {
        udp.close();
        const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!(osPicksBoth && taken && attempt < SAME_PORT_ATTEMPTS)) throw err;
      }
    }
  }

  /** Stops answering, closes the sockets and ends open TCP connections; resolves once they are closed. */
  async stop(): Promise<void> {
    const sockets = this.sockets;
    this.sockets = undefined;
    if (!sockets) {
      if (this.fresh) {
        this.fresh = false;
        this.gates.markStopped();
      }
      return this.gates.stopped;
    }
    const udpClosed = new Promise<void>((resolve) => sockets.udp.close(() => resolve()));
    const tcp = sockets.tcp;
    const tcpClosed = tcp && new Promise<void>((resolve) => tcp.close(() => resolve()));
    for (const socket of sockets.connections) socket.destroy();
    await Promise.all([udpClosed, tcpClosed]);
    this.gates.markStopped();
  }

  private readonly handle: dns2.DnsHandler = (request, send) => {
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
          ttl: this.options.ttlSeconds ?? 5,
        } as dns2.Packet.Resource);
      }
    }
    send(response).catch((err: unknown) => this.log.warn({ err }, 'cluster DNS could not send a response'));
  };

  /** Logs what a listening socket reports, so a socket error never becomes an unhandled `error` event. */
  private watch(socket: dns2.UDPServer | dns2.TCPServer): void {
    socket.on('requestError', (err: Error) => this.log.debug({ err }, 'cluster DNS got a malformed request'));
    socket.on('error', (err: Error) => this.log.warn({ err }, 'cluster DNS socket error'));
  }
}

const emptyNode = { nodeName: 'none', nodeIPs: [], masqueradeBit: 14, masqueradeAll: false };
