import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  type Clock,
  type ComponentLifecycle,
  LifecycleGates,
  type Logger,
  resolveClock,
  silentLogger,
} from '@flotilla/core';
import {
  type ProxyEndpoint,
  type ProxyInput,
  type ProxyState,
  proxyStateOf,
  type ServicePortState,
} from '../state/proxy-state.js';
import { EndpointPicker } from './endpoint-picker.js';
import { DEFAULT_MAX_UDP_SESSIONS, DEFAULT_UDP_IDLE_TIMEOUT_MS, UdpRelay } from './udp-relay.js';

/** Options for `UserspaceProxy`. */
export interface UserspaceProxyOptions {
  /** Address the per-service listeners bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Port for a service port's listener; return 0 or undefined to let the OS choose. */
  readonly portFor?: (port: ServicePortState) => number | undefined;
  /** How long one endpoint may take to accept before the next is tried; default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** A UDP client's session with its endpoint ends after this long without a datagram; default 250 ms (kube-proxy's `--udp-timeout`). */
  readonly udpIdleTimeoutMs?: number;
  /** At most this many UDP client sessions per service port; default 1024. */
  readonly maxUdpSessions?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

interface Listener {
  readonly protocol: 'tcp' | 'udp';
  readonly picker: EndpointPicker;
  readonly address: { readonly host: string; readonly port: number };
  /** For UDP: the relay, whose sessions follow endpoint changes. */
  readonly relay?: UdpRelay;
  close(): Promise<void>;
}

/**
 * A TCP and UDP proxy in the Node process: one listener per service port,
 * forwarding to a usable endpoint, round-robin, honouring ClientIP affinity.
 *
 * TCP: a connection that an endpoint refuses (or does not accept within the
 * timeout) is retried on the next endpoint; when none accepts, or the port
 * has no endpoints, the client connection is reset, so clients fail fast
 * instead of hanging.
 *
 * UDP (`UdpRelay`): each client address gets a session with one endpoint,
 * whose replies go back to the client; sessions end after
 * `udpIdleTimeoutMs` without traffic, when their endpoint goes away or
 * answers with an error; datagrams with no endpoint to go to are dropped.
 *
 * Guarantees: `update(state)` is idempotent and applies live: listeners open
 * for new ports and close for removed ones; existing TCP connections
 * continue.
 *
 * Caveats: SCTP ports are skipped; the listener address replaces the
 * ClusterIP, so clients must be told it (`address(name)`).
 */
export class UserspaceProxy implements ComponentLifecycle {
  private readonly listeners = new Map<string, Listener>();
  private readonly host: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sockets = new Set<Socket>();
  private state: ProxyState | undefined;
  private stopping: Promise<void> | undefined;
  private readonly gates = new LifecycleGates();

  constructor(private readonly options: UserspaceProxyOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.clock = resolveClock(options.clock);
    this.log = options.logger ?? silentLogger();
  }

  /** Settles when `start` has been called: listeners open as `update` asks, from then on. */
  get ready(): Promise<void> {
    return this.gates.ready;
  }

  /** Settles once `stop` has closed every listener and proxied connection. */
  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  /**
   * Ready at once: the proxy has nothing to load before its first `update`
   * (which may come before or after). Aborting `signal` stops it as `stop()` does.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.gates.markReady();
  }

  /**
   * Opens, updates and closes listeners to match `input`: Services and
   * EndpointSlices with node facts (a `ProxyInput`, as the rule generators
   * take) or a state already built from them.
   */
  async update(input: ProxyState | ProxyInput): Promise<void> {
    // After stop nothing opens again: a late update from a follower still running is dropped.
    if (this.stopping) return;
    const state = proxyStateOf(input, this.state);
    this.state = state;
    const wanted = new Map(
      state.servicePorts
        .filter((p) => (p.protocol === 'tcp' || p.protocol === 'udp') && p.clusterIP !== undefined)
        .map((p) => [p.name, p]),
    );
    for (const [name, listener] of this.listeners) {
      if (wanted.get(name)?.protocol === listener.protocol) continue;
      this.listeners.delete(name);
      void listener.close();
    }
    for (const [name, port] of wanted) {
      const existing = this.listeners.get(name);
      if (existing) {
        existing.picker.update(port);
        existing.relay?.dropStaleSessions();
        continue;
      }
      const picker = new EndpointPicker(this.clock);
      picker.update(port);
      const listener =
        port.protocol === 'udp'
          ? await this.udpListener(name, port, picker)
          : await this.tcpListener(name, port, picker);
      this.listeners.set(name, listener);
      this.log.debug({ servicePort: name, protocol: port.protocol, ...listener.address }, 'userspace proxy listening');
    }
  }

  private async tcpListener(name: string, port: ServicePortState, picker: EndpointPicker): Promise<Listener> {
    const server = createServer((client) => this.forward(client, picker, name));
    const address = await listen(server, this.host, this.options.portFor?.(port) ?? 0);
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { protocol: 'tcp', picker, address, close };
  }

  private async udpListener(name: string, port: ServicePortState, picker: EndpointPicker): Promise<Listener> {
    const relay = await UdpRelay.bind(this.host, this.options.portFor?.(port) ?? 0, {
      picker,
      clock: this.clock,
      logger: this.log,
      idleTimeoutMs: this.options.udpIdleTimeoutMs ?? DEFAULT_UDP_IDLE_TIMEOUT_MS,
      maxSessions: this.options.maxUdpSessions ?? DEFAULT_MAX_UDP_SESSIONS,
      name,
    });
    return { protocol: 'udp', picker, address: relay.address, relay, close: () => relay.close() };
  }

  /**
   * Where the listener of a service port is, if it has one: by its parts
   * (`{ namespace: 'default', service: 'web', port: 'http' }`; `port` is the
   * port's name, omitted for a Service's single unnamed port) or by
   * kube-proxy's service port name (`default/web:http`).
   */
  address(
    port: string | { readonly namespace: string; readonly service: string; readonly port?: string },
  ): { readonly host: string; readonly port: number } | undefined {
    const name =
      typeof port === 'string' ? port : `${port.namespace}/${port.service}${port.port ? `:${port.port}` : ''}`;
    return this.listeners.get(name)?.address;
  }

  /** Every listener, by service port name. */
  addresses(): Map<string, { readonly host: string; readonly port: number }> {
    return new Map([...this.listeners].map(([name, l]) => [name, l.address]));
  }

  /** Closes every listener and every proxied connection; resolves once they are closed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closing = [...this.listeners.values()].map((l) => l.close());
      this.listeners.clear();
      for (const s of this.sockets) s.destroy();
      await Promise.all(closing);
      this.gates.markStopped();
    })();
    return this.stopping;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private forward(client: Socket, picker: EndpointPicker, name: string): void {
    this.track(client);
    client.pause();
    client.on('error', () => client.destroy());
    const clientIP = client.remoteAddress ?? '';
    const candidates = picker.candidates(clientIP);
    const attempt = (i: number) => {
      const ep = candidates[i];
      if (!ep) {
        this.log.debug({ servicePort: name, tried: i }, 'no endpoint accepted; resetting client');
        client.resetAndDestroy();
        return;
      }
      this.dial(ep).then(
        (upstream) => {
          if (client.destroyed) {
            upstream.destroy();
            return;
          }
          picker.served(clientIP, ep);
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        },
        (err: unknown) => {
          this.log.debug({ servicePort: name, endpoint: `${ep.ip}:${ep.port}`, err }, 'endpoint refused; trying next');
          attempt(i + 1);
        },
      );
    };
    attempt(0);
  }

  private dial(ep: ProxyEndpoint): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: ep.ip, port: ep.port });
      this.track(socket);
      const timer = this.clock.setTimeout(() => {
        socket.destroy();
        reject(
          new Error(`endpoint ${ep.ip}:${ep.port} did not accept within ${this.options.connectTimeoutMs ?? 2000} ms`),
        );
      }, this.options.connectTimeoutMs ?? 2000);
      socket.once('connect', () => {
        timer.cancel();
        resolve(socket);
      });
      socket.once('error', (err) => {
        timer.cancel();
        reject(err);
      });
    });
  }
}

function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve({ host, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}
