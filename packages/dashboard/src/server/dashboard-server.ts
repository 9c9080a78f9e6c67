import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardHandler } from './dashboard-handler.js';
import { DASHBOARD_PATH } from './dashboard-page.js';

/** Options of `serveDashboard`. */
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

/** A running standalone dashboard. */
export interface ServedDashboard {
  /** The page: `http://127.0.0.1:43123/dashboard/`. */
  url: string;
  /** Closes the port and every open connection (watches included); resolves when all are closed. */
  stop(): Promise<void>;
}

/**
 * The dashboard on a port of its own in front of any API server: the page
 * under `/dashboard/`, every other path forwarded to `apiServer` (so page
 * and API share one origin, and no CORS is needed).
 */
export async function serveDashboard(options: DashboardServerOptions): Promise<ServedDashboard> {
  const handler = dashboardHandler({
    apiServer: options.apiServer,
    caCert: options.caCert,
    bundlePath: options.bundlePath,
  });
  const server: Server = createServer((req, res) => void handler(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}${DASHBOARD_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
