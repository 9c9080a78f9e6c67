import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { forwardToApiServer, forwardUpgrade } from './api-proxy.js';
import { type DashboardBundle, loadBundle } from './dashboard-bundle.js';
import { BUNDLE_NAME, DASHBOARD_PATH, dashboardPage, securityHeaders } from './dashboard-page.js';

/** Options of `dashboardHandler`. */
export interface DashboardHandlerOptions {
  /**
   * The API server to forward every request outside `/dashboard/` to, so
   * the page and the API share one origin. Absent: the handler answers only
   * under `/dashboard/` and returns false for the rest (mount it beside
   * your own routes), and the page calls `apiBase`.
   */
  apiServer?: string | URL;
  /** PEM CA to trust when `apiServer` is HTTPS with its own CA (`ServingInfo.caCert`). */
  caCert?: string;
  /**
   * Where the page sends API calls when they do not come back through this
   * handler: another origin's API server, which must then allow this origin
   * (CORS). Default: the page's own origin.
   */
  apiBase?: string;
  /** The browser script to serve. Default: the package's build (`dist/browser/dashboard.js`). */
  bundlePath?: string;
}

/** Serves the dashboard; returns whether it answered the request (false: not its path, pass it on). */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * For the server's `upgrade` event: forwards a WebSocket upgrade (the
   * shell's `pods/exec`) to `apiServer`; returns false, touching nothing,
   * when there is no `apiServer` to forward to.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/** `value` as a URL, or a TypeError naming the option, before anything listens. */
function urlOption(name: string, value: string | URL): URL {
  try {
    return new URL(value);
  } catch {
    throw new TypeError(`dashboardHandler: ${name} is not an absolute URL: ${JSON.stringify(String(value))}`);
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { 'Cache-Control': 'no-cache', ...headers });
  res.end(body);
}

/**
 * An HTTP handler for Node's `http.createServer` (or any framework that
 * hands over Node's request and response): the page at `/dashboard/`, its
 * script beside it, and, given `apiServer`, every other path forwarded to
 * the API server with the viewer's credentials untouched; its `upgrade`
 * does the same for the WebSocket the shell opens (`server.on('upgrade',
 * handler.upgrade)`).
 *
 * The dashboard itself never holds credentials: the viewer gives a bearer
 * token to the page (`/dashboard/#token=...`), the page sends it with each
 * API call, and the API server authorizes the viewer as it would kubectl.
 *
 * Throws at once when the browser bundle is missing (build the package),
 * or with a `TypeError` naming the option when `apiServer` or `apiBase` is
 * not an absolute URL.
 */
export function dashboardHandler(options: DashboardHandlerOptions = {}): DashboardHandler {
  const target = options.apiServer === undefined ? undefined : urlOption('apiServer', options.apiServer);
  const apiBase = options.apiBase ?? '';
  if (apiBase) urlOption('apiBase', apiBase);
  const bundle: DashboardBundle = loadBundle(options.bundlePath);
  const page = dashboardPage(apiBase);
  const headers = securityHeaders(apiBase);
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/dashboard' || path === '/') {
      if (path === '/' && target) {
        forwardToApiServer(target, options.caCert, req, res);
        return true;
      }
      if (path === '/') return false;
      send(res, 308, { Location: DASHBOARD_PATH }, '');
      return true;
    }
    if (!path.startsWith(DASHBOARD_PATH)) {
      if (!target) return false;
      forwardToApiServer(target, options.caCert, req, res);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed');
    } else if (path === DASHBOARD_PATH) {
      send(res, 200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }, page);
    } else if (path === `${DASHBOARD_PATH}${BUNDLE_NAME}`) {
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      send(
        res,
        200,
        {
          ...headers,
          'Content-Type': 'text/javascript; charset=utf-8',
          Vary: 'Accept-Encoding',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        },
        gzip ? bundle.gzipped : bundle.script,
      );
    } else {
      send(res, 404, { 'Content-Type': 'text/plain' }, 'not found');
    }
    return true;
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if (!target) return false;
    forwardUpgrade(target, options.caCert, req, socket, head);
    return true;
  };
  return Object.assign(handler, { upgrade });
}
