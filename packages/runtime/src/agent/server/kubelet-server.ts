import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '@flotilla/core';
import { WebSocketServer } from 'ws';
import { resourceMetricsText } from '../stats/resource-metrics.js';
import { authenticate, type KubeletAuthOptions } from './authenticator.js';
import { errorAnswer, sendError, sendLogs, statusBody } from './http-answers.js';
import type { KubeletBackend } from './kubelet-backend.js';
import { type KubeletRoute, parseKubeletPath, RouteError } from './kubelet-routes.js';
import { PORT_FORWARD_PROTOCOLS, servePortForward } from './port-forward-protocol.js';
import type { KeyPair } from './serving-certificate.js';
import { CHANNEL_PROTOCOLS, Channel, errorStatus, serveStreamSession } from './stream-protocol.js';

/** Options for `KubeletServer`. */
export interface KubeletServerOptions {
  /** TCP port; 0 = any free port (read `port` after `start`). Default 10250, the kubelet's. */
  port?: number;
  /** Address to bind. Default `0.0.0.0`. */
  host?: string;
  /** Who may call (bearer tokens, trusted client CA); everyone else gets 401 / 403. */
  auth: KubeletAuthOptions;
  /** The serving certificate and key. */
  certificate: KeyPair;
  logger?: Logger;
}

/** `kubectl exec` / `attach` query flags: the kubelet's names (`input`, `output`, `error`, `tty`) and the apiserver's (`stdin`, `stdout`, `stderr`). */
function streamFlags(query: URLSearchParams) {
  const flag = (a: string, b: string, dflt: boolean) => {
    const v = query.get(a) ?? query.get(b);
    return v === null ? dflt : v === 'true' || v === '1';
  };
  return {
    stdin: flag('input', 'stdin', false),
    stdout: flag('output', 'stdout', true),
    stderr: flag('error', 'stderr', true),
    tty: flag('tty', 'tty', false),
  };
}

/**
 * The node agent's HTTPS API (the kubelet's port 10250): `/healthz`,
 * `/pods`, `/stats/summary` (`?history=true` adds the usage history),
 * `/metrics/resource`, `/containerLogs/...`, and exec / attach /
 * port-forward over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`).
 * Every request is authenticated first; names in paths are checked before
 * anything is looked up.
 */
export class KubeletServer {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      [...CHANNEL_PROTOCOLS, ...PORT_FORWARD_PROTOCOLS].find((p) => offered.has(p)) ?? false,
  });
  private readonly logger: Logger;

  constructor(
    private readonly backend: KubeletBackend,
    private readonly options: KubeletServerOptions,
  ) {
    this.logger = (options.logger ?? silentLogger()).child({ component: 'kubelet-server' });
    const ca = options.auth.clientCA;
    this.server = createServer({
      cert: options.certificate.cert,
      key: options.certificate.key,
      requestCert: ca !== undefined,
      rejectUnauthorized: false,
      ...(ca !== undefined ? { ca } : {}),
    });
    this.server.on('request', (req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as Duplex, head));
  }

  /** The bound port (after `start`). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Binds and listens; resolves once accepting connections. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 10250, this.options.host ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and drops every open connection and stream (their sessions close). */
  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private route(req: IncomingMessage): { route: KubeletRoute | undefined; query: URLSearchParams } {
    // The raw path, not a URL object: URL parsing would resolve `..` segments before they could be refused.
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    return {
      route: parseKubeletPath(q < 0 ? url : url.slice(0, q)),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = authenticate(req, this.options.auth);
    if (!auth.allowed) {
      const reason = auth.status === 401 ? 'Unauthorized' : 'Forbidden';
      res
        .writeHead(auth.status, { 'Content-Type': 'application/json' })
        .end(statusBody(auth.status, reason, auth.message));
      return;
    }
    try {
      const { route, query } = this.route(req);
      if (!route) {
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end(statusBody(404, 'NotFound', `no such path: ${req.url}`));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET' }).end();
        return;
      }
      const json = (body: unknown) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      switch (route.kind) {
        case 'healthz':
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
          return;
        case 'pods':
          json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: await this.backend.listPods() });
          return;
        case 'statsSummary': {
          const summary = await this.backend.statsSummary();
          const history = query.get('history') === 'true' ? { history: this.backend.usageHistory() } : {};
          json({ ...summary, ...history });
          return;
        }
        case 'metricsResource':
          res
            .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
            .end(resourceMetricsText(await this.backend.statsSummary()));
          return;
        case 'containerLogs':
          await sendLogs(this.backend, route, query, req, res);
          return;
        default:
          res
            .writeHead(400, { 'Content-Type': 'application/json' })
            .end(
              statusBody(
                400,
                'BadRequest',
                `${route.kind} needs a WebSocket upgrade (Sec-WebSocket-Protocol: ${CHANNEL_PROTOCOLS.join(', ')})`,
              ),
            );
      }
    } catch (err) {
      if (!(err instanceof RouteError)) this.logger.warn({ err, url: req.url }, 'request failed');
      sendError(res, err);
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (code: number, reason: string, message: string) => {
      const body = statusBody(code, reason, message);
      socket.end(
        `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const auth = authenticate(req, this.options.auth);
    if (!auth.allowed) return refuse(auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', auth.message);
    let parsed: ReturnType<KubeletServer['route']>;
    try {
      parsed = this.route(req);
    } catch (err) {
      return refuse(400, 'BadRequest', (err as Error).message);
    }
    const { route, query } = parsed;
    if (!route || (route.kind !== 'exec' && route.kind !== 'attach' && route.kind !== 'portForward')) {
      return refuse(404, 'NotFound', `no WebSocket endpoint at ${req.url}`);
    }
    const ports = query.getAll('port').map(Number);
    if (
      route.kind === 'portForward' &&
      (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))
    ) {
      return refuse(400, 'BadRequest', 'port: give one or more ?port= values between 1 and 65535');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => this.logger.debug({ err }, 'websocket error'));
      // Frames the client sends while the session is being set up (stdin typed at once) wait in the socket, not dropped.
      ws.pause();
      const run = async () => {
        if (route.kind === 'portForward') {
          await servePortForward(ws, ports, (port) => this.backend.portForward(route.namespace, route.pod, port));
          return;
        }
        const flags = streamFlags(query);
        const session =
          route.kind === 'exec'
            ? await this.backend.exec(route.namespace, route.pod, route.container, {
                cmd: query.getAll('command'),
                ...flags,
              })
            : await this.backend.attach(route.namespace, route.pod, route.container, flags);
        await serveStreamSession(ws, session);
      };
      run().catch((err: unknown) => {
        const { code, reason, message } = errorAnswer(err);
        if (code === 500) this.logger.warn({ err, url: req.url }, 'stream failed');
        ws.resume();
        if (ws.readyState === ws.OPEN) {
          const status = Buffer.from(JSON.stringify(errorStatus(message, reason, code)));
          ws.send(Buffer.concat([Buffer.from([Channel.status]), status]), { binary: true });
          ws.close(1000);
        }
      });
    });
  }
}
