import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Where the balancer sends connections: an apiserver's address. */
export interface Backend {
  host: string;
  port: number;
}

/**
 * The load balancer in front of the apiservers (what an HA control plane
 * puts there: haproxy, a cloud LB): TCP only, so TLS runs end to end
 * between each client and an apiserver. Each connection goes to the next
 * backend in turn; one that refuses (a dead apiserver) is skipped for the
 * next. Open connections to a backend that dies are closed, and the
 * clients reconnect through the balancer to one that lives.
 */
export class TcpLoadBalancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly backends: readonly Backend[],
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (a free port) in front of `backends`. */
  static async start(backends: readonly Backend[]): Promise<TcpLoadBalancer> {
    let balancer: TcpLoadBalancer | undefined;
    const server = createServer((client) => balancer?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the load balancer has no TCP port');
    balancer = new TcpLoadBalancer(server, backends, address.port);
    return balancer;
  }

  /** `https://127.0.0.1:<port>`: the server address every component's kubeconfig names. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Stops listening and closes every open connection. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.pause();
    const first = this.next++ % this.backends.length;
    this.connect(client, first, 0);
  }

  /** Tries backend `(first + tried) mod n`; on a refusal, the one after it, until each has been tried once. */
  private connect(client: Socket, first: number, tried: number): void {
    if (tried === this.backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const backend = this.backends[(first + tried) % this.backends.length] as Backend;
    const upstream = createConnection(backend);
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) this.connect(client, first, tried + 1);
    });
    upstream.on('close', () => {
      if (connected) client.destroy();
    });
    client.on('close', () => upstream.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.sockets.delete(socket));
  }
}
