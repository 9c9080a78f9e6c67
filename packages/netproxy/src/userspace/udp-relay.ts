import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Clock, Logger, TimerHandle } from '@flotilla/core';
import type { ProxyEndpoint } from '../state/proxy-state.js';
import type { EndpointPicker } from './endpoint-picker.js';

/** kube-proxy's userspace `--udp-timeout` default: a client's session ends after 250 ms without a datagram. */
export const DEFAULT_UDP_IDLE_TIMEOUT_MS = 250;

/** At most this many client sessions per UDP service port by default; datagrams from further clients are dropped. */
export const DEFAULT_MAX_UDP_SESSIONS = 1024;

/** Options for one `UdpRelay`. */
export interface UdpRelayOptions {
  readonly picker: EndpointPicker;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idleTimeoutMs: number;
  readonly maxSessions: number;
  /** `ns/svc:port`, for log lines. */
  readonly name: string;
}

/** One client's conversation with one endpoint through a socket of its own, so replies find their way back. */
interface Session {
  readonly upstream: Socket;
  readonly endpoint: ProxyEndpoint;
  /** Datagrams that arrived before the upstream socket finished connecting; undefined once it has. */
  pending: Buffer[] | undefined;
  lastActive: number;
  timer: TimerHandle;
}

/** Datagrams held per session while its socket connects; more are dropped, as a full socket buffer drops them. */
const MAX_PENDING = 64;

/**
 * The UDP side of the userspace proxy for one service port, as kube-proxy's
 * userspace mode served it: a socket the clients send to; per client
 * address a session with an endpoint (chosen by the port's picker, so
 * round-robin and ClientIP affinity apply), whose replies are sent back to
 * that client from the service socket; a session ends after `idleTimeoutMs`
 * without a datagram either way, or when its endpoint answers with an error
 * (ICMP port unreachable), so the client's next datagram picks an endpoint
 * again.
 *
 * Bounded: at most `maxSessions` sessions (each holds a socket); datagrams
 * from further clients are dropped until sessions end, as a kernel drops
 * what it has no conntrack entry room for.
 */
export class UdpRelay {
  private readonly sessions = new Map<string, Session>();

  private constructor(
    private readonly socket: Socket,
    private readonly options: UdpRelayOptions,
    /** Where clients send: the address the socket is bound to. */
    readonly address: { readonly host: string; readonly port: number },
  ) {
    socket.on('message', (datagram, from) => this.fromClient(datagram, from));
    // A send to a client that went away must not end the relay.
    socket.on('error', (err) => options.logger.debug({ servicePort: options.name, err }, 'udp relay socket error'));
  }

  /** Binds a relay on `host:port` (0: the OS chooses). */
  static async bind(host: string, port: number, options: UdpRelayOptions): Promise<UdpRelay> {
    const socket = createSocket('udp4');
    const bound = await new Promise<number>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.removeListener('error', reject);
        resolve(socket.address().port);
      });
    });
    return new UdpRelay(socket, options, { host, port: bound });
  }

  /** Sessions open now (one per client address). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Ends the sessions whose endpoint the picker no longer chooses from (removed, or no longer ready). */
  dropStaleSessions(): void {
    for (const [key, session] of [...this.sessions]) if (!this.options.picker.has(session.endpoint)) this.end(key);
  }

  /** Closes the service socket and every session. */
  async close(): Promise<void> {
    for (const key of [...this.sessions.keys()]) this.end(key);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private fromClient(datagram: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    const session = this.sessions.get(key) ?? this.open(key, from);
    if (!session) return;
    session.lastActive = this.options.clock.now();
    if (session.pending) {
      if (session.pending.length < MAX_PENDING) session.pending.push(datagram);
    } else {
      session.upstream.send(datagram);
    }
  }

  private open(key: string, client: RemoteInfo): Session | undefined {
    const { picker, clock, logger, name } = this.options;
    if (this.sessions.size >= this.options.maxSessions) {
      logger.debug({ servicePort: name, client: key }, 'udp session limit reached; dropping datagram');
      return undefined;
    }
    const endpoint = picker.candidates(client.address)[0];
    if (!endpoint) {
      logger.debug({ servicePort: name, client: key }, 'no endpoint; dropping datagram');
      return undefined;
    }
    const upstream = createSocket('udp4');
    // Connected, so the kernel filters replies to this endpoint and reports its ICMP errors on this socket.
    upstream.connect(endpoint.port, endpoint.ip, () => {
      const session = this.sessions.get(key);
      if (session?.upstream !== upstream) return;
      const held = session.pending ?? [];
      session.pending = undefined;
      for (const datagram of held) upstream.send(datagram);
    });
    upstream.on('message', (reply) => {
      const session = this.sessions.get(key);
      if (!session) return;
      session.lastActive = clock.now();
      this.socket.send(reply, client.port, client.address);
    });
    upstream.on('error', (err) => {
      logger.debug(
        { servicePort: name, endpoint: `${endpoint.ip}:${endpoint.port}`, err },
        'endpoint error; session ends',
      );
      this.end(key);
    });
    picker.served(client.address, endpoint);
    const session: Session = { upstream, endpoint, pending: [], lastActive: clock.now(), timer: this.idleTimer(key) };
    this.sessions.set(key, session);
    return session;
  }

  /** Ends the session once it has been idle for the timeout, rechecking when traffic moved its last activity. */
  private idleTimer(key: string, delay = this.options.idleTimeoutMs): TimerHandle {
    return this.options.clock.setTimeout(() => {
      const session = this.sessions.get(key);
      if (!session) return;
      const idle = this.options.clock.now() - session.lastActive;
      if (idle >= this.options.idleTimeoutMs) this.end(key);
      else session.timer = this.idleTimer(key, this.options.idleTimeoutMs - idle);
    }, delay);
  }

  private end(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    session.timer.cancel();
    session.upstream.close();
  }
}
