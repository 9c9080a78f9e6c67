import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ComponentLifecycle, LifecycleGates } from '@flotilla/core';
import { type DashboardHandler, dashboardHandler } from './dashboard-handler.js';
import { DASHBOARD_PATH } from './dashboard-page.js';

/** Options of `DashboardServer` and `serveDashboard`. */
export interface DashboardServerOptions {
  /** The API server the dashboard shows: `http://127.0.0.1:6443`, `https://...`. */
  apiServer: string | URL;
  /** PEM CA to trust when the API server is HTTPS with its own CA. */
  caCert?: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The browser script to serve; default: the package's build. */
  bundlePath?: string;
}

/** Where a started dashboard answers. */
export interface DashboardAddress {
  /** The page: `http://127.0.0.1:43123/dashboard/`. */
  url: string;
}

/**
 * The dashboard on a port of its own in front of any API server: the page
 * under `/dashboard/`, every other path (and the shell's WebSocket upgrades)
 * forwarded to `apiServer`, so page and API share one origin and no CORS is
 * needed.
 *
 * A `ComponentLifecycle` like every long-running part of Flotilla:
 * `start(signal?)` resolves with the address once the port listens (and
 * rejects if it cannot be bound); `stop()` closes the port and every open
 * connection (watches, log streams and shells included) and resolves when
 * all are closed; it may be called at any time, more than once. `ready` and
 * `stopped` are the same two moments as promises. Aborting the signal given
 * to `start` is `stop()`. A bad `apiServer` or a missing browser bundle
 * throws from the constructor, before anything listens.
 */
export class DashboardServer implements ComponentLifecycle {
  private readonly gates = new LifecycleGates();
  private readonly handler: DashboardHandler;
  private server?: Server;
  private address?: DashboardAddress;
  private stopping?: Promise<void>;
  /** Upgraded connections (shells): the HTTP server no longer tracks them, so stop closes them itself. */
  private readonly tunnels = new Set<Duplex>();

  constructor(private readonly options: DashboardServerOptions) {
    this.handler = dashboardHandler({
      apiServer: options.apiServer,
      caCert: options.caCert,
      bundlePath: options.bundlePath,
    });
  }

  /** Settles once the port listens (never rejects: `start` reports the failure). */
  get ready(): Promise<void> {
    return this.gates.ready;
  }

  /** Settles once the port and every connection are closed. */
  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  /** The page's address; throws before `start` has resolved. */
  get url(): string {
    if (!this.address) throw new Error('the DashboardServer is not listening; call start() first');
    return this.address.url;
  }

  /** Opens the port; resolves with the page's address. Call once. */
  async start(signal?: AbortSignal): Promise<DashboardAddress> {
    if (this.server || this.stopping) throw new Error('the DashboardServer was already started; make a new one');
    if (signal?.aborted) {
      await this.stop();
      throw new Error('the DashboardServer was not started: its signal was already aborted');
    }
    const server = createServer((req, res) => void this.handler(req, res));
    server.on('upgrade', (req, socket: Duplex, head) => {
      if (!this.handler.upgrade(req, socket, head)) return void socket.destroy();
      this.tunnels.add(socket);
      socket.once('close', () => this.tunnels.delete(socket));
    });
    this.server = server;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    const host = this.options.host ?? '127.0.0.1';
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.gates.failReady(err);
      await this.stop();
      throw err;
    }
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    this.address = { url: `http://${urlHost}:${port}${DASHBOARD_PATH}` };
    this.gates.markReady();
    return this.address;
  }

  /** Closes the port and every open connection; resolves when all are closed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (server?.listening) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const tunnel of this.tunnels) tunnel.destroy();
      });
    }
    this.gates.failReady(new Error('the DashboardServer stopped before it listened'));
    this.gates.markStopped();
  }
}

/**
 * Starts a `DashboardServer` and resolves once it listens: the short form
 * of `new DashboardServer(options)` and `start()`. Read `url`; call `stop()`
 * when done.
 */
export async function serveDashboard(options: DashboardServerOptions): Promise<DashboardServer> {
  const dashboard = new DashboardServer(options);
  await dashboard.start();
  return dashboard;
}
