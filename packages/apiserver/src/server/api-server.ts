import { setMaxListeners } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import {
  type Api,
  type Clock,
  type ComponentLifecycle,
  type DefaultFieldManager,
  type Logger,
  type ServiceAccountTokenIssuer,
  silentLogger,
} from '@flotilla/core';
import type { AuditOptions } from '../audit/request-audit.js';
import { anonymousAuthenticator } from '../auth/defaults.js';
import type { Authenticator, Authorizer } from '../auth/types.js';
import { unionAuthenticator } from '../auth/union-authenticator.js';
import { clientCertificateAuthenticator } from '../certificates/client-certificate-authenticator.js';
import { generateServingCertificate, type ServingCertificate } from '../certificates/cluster-ca.js';
import { horizontalPodAutoscalerV1 } from '../conversion/index.js';
import { KubeletSummaryMetrics } from '../metrics/kubelet-summary-metrics.js';
import type { ResourceMetricsSource } from '../metrics/resource-metrics.js';
import type { KubeletClientOptions } from '../node-proxy/kubelet-client.js';
import { handleUpgrade } from '../node-proxy/stream-upgrade.js';
import { InFlightGate } from '../protection/in-flight-gate.js';
import { RequestDeadlines } from '../protection/request-deadlines.js';
import { defaultServerLimits, type ServerLimits } from '../protection/server-limits.js';
import { ResourceIndex } from '../resources/resource-index.js';
import { apiServerFieldManager } from '../rest/field-manager.js';
import { PatchAppliers } from '../rest/patch-appliers.js';
import type { RestServices } from '../rest/rest-request.js';
import { serviceAccountTokenAuthenticator } from '../service-account-token/token-authenticator.js';
import { Printers } from '../table/printers.js';
import type { KindPrinter } from '../table/table.js';
import { defaultWatchOptions, type WatchOptions } from '../watch/watch-options.js';
import { ActiveRequests } from './active-requests.js';
import { openApiV2Route, openApiV3Route } from './openapi-routes.js';
import { handleRequest, type PathDocument, type RequestHandlerDeps } from './request-handler.js';

/** Where and how to listen. */
export interface ListenOptions {
  /** Default `127.0.0.1`: loopback only. */
  host?: string;
  /** Default 0: a free port, reported by `listen`. */
  port?: number;
  /**
   * HTTPS: `true` generates a fresh CA and serving certificate (for `host`,
   * `localhost` and `127.0.0.1`); or give your own. Default: plain HTTP.
   */
  tls?: boolean | ServingCertificate;
  /**
   * PEM CA certificate(s) client certificates are verified against
   * (kube-apiserver's `--client-ca-file`, e.g. a `ClusterCa`'s `caCert`):
   * the server then asks each TLS client for a certificate, and one that
   * verifies authenticates as its subject (CN = user, O = groups; see
   * `clientCertificateAuthenticator`). A certificate is asked for, not
   * required: clients with tokens still connect. Needs `tls`.
   */
  clientCa?: string;
}

/** TLS options that ask clients for a certificate, verified (not required) against `clientCa`. */
function clientCertificates(options: ListenOptions): Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized' | 'ca'> {
  if (!options.clientCa) return {};
  // Verified by the authenticator, which refuses a bad certificate with kube-apiserver's 401 rather than a TLS alert.
  return { requestCert: true, rejectUnauthorized: false, ca: options.clientCa };
}

/** Where the server listens, and the CA to trust when it serves HTTPS. */
export interface ServingInfo {
  /** `http://127.0.0.1:43123` or `https://...`. */
  url: string;
  host: string;
  port: number;
  /** PEM CA certificate clients should trust; absent for plain HTTP. */
  caCert?: string;
}

/** Options of `new ApiServer(...)`. */
export interface ApiServerOptions {
  /** The in-process Api every request goes through. */
  api: Api;
  /** Who sent a request. Default: everyone is `system:anonymous` (for loopback). */
  authenticator?: Authenticator;
  /**
   * The cluster key's issuer: serves `serviceaccounts/<name>/token`
   * (TokenRequest) and authenticates its bearer tokens ahead of
   * `authenticator`. Default: the Api's `serviceAccountTokens`, if any.
   */
  serviceAccountTokens?: ServiceAccountTokenIssuer;
  /**
   * What a user may do. Default: the Api's `authorizer` (AlwaysAllow unless it was given one).
   * An authorizer of the server's own adds the admission it needs to the Api (RBAC's escalation
   * check, NodeRestriction with the Node authorizer), applied to the writes made through the server.
   */
  authorizer?: Authorizer;
  /** Time for ages in Tables. Default: the Api's clock. */
  clock?: Clock;
  logger?: Logger;
  /** Protection limits; kube-apiserver's defaults otherwise. */
  limits?: Partial<ServerLimits>;
  /** Watch bookmarks, timeouts and slow-watcher limit. */
  watch?: Partial<WatchOptions>;
  /** Printer columns for custom kinds (or to replace a built-in kind's), by `group/Kind`. */
  printers?: ReadonlyMap<string, KindPrinter>;
  /** What `start()` listens on. */
  listen?: ListenOptions;
  /**
   * How `pods/log`, `exec`, `attach`, `portforward` and `nodes/proxy` reach
   * node agents: the credentials presented and the CA trusted. Default: no
   * credentials, the system's CAs.
   */
  kubeletClient?: KubeletClientOptions;
  /**
   * Audits requests (kube-apiserver's `--audit-policy-file` and
   * `--audit-log-path`): see `auditRequest`. Default: no audit.
   */
  audit?: AuditOptions;
  /**
   * Where `metrics.k8s.io/v1beta1` (what `kubectl top` and the HPA read)
   * comes from. Default: the node agents' `/stats/summary`, scraped at most
   * every 15 s (`KubeletSummaryMetrics`); `false` leaves the group unserved.
   */
  metrics?: ResourceMetricsSource | false;
  /**
   * The field manager that writes made in process (by controllers, node
   * agents or your code, naming no `fieldManager`) are recorded under in
   * managedFields, as kube-apiserver records every write: a later
   * `kubectl apply --server-side` of a field such a write set then
   * conflicts with it. One name for all, or a function naming each write's
   * manager after the user it was made for (`api.as(user)`), as Kubernetes
   * names the program that sent it: `kube-controller-manager`, `kubelet`
   * (see `DefaultFieldManager`). Default: the one the Api was given
   * (`api.setFieldManager`), else none, and only writes through this server
   * (and in-process writes naming a `fieldManager`) are recorded, which
   * keeps objects written in process half the size for their informers.
   */
  inProcessFieldManager?: DefaultFieldManager;
}

/**
 * Kubernetes' REST protocol in front of an in-process `Api`, so `kubectl`
 * and `@kubernetes/client-node` drive a Flotilla cluster unchanged:
 * discovery (aggregated v2 and legacy), REST for every registered kind
 * (including kinds registered while it runs) with `status`, `scale`,
 * `binding` and `eviction`, patches, watch, and server-side Tables.
 *
 * Lifecycle: `start(signal?)` (or `listen(options)`) resolves once the port
 * is open; `stop()` (or aborting the signal) stops taking connections, ends
 * every watch cleanly (the chunked response is finished, not cut), lets
 * in-flight requests finish, closes every socket, and resolves when all is
 * released. `ready` and `stopped` are the same two moments as promises.
 *
 * Guarantees:
 * - Every error is a `Status` with Kubernetes' code and reason; a stack
 *   trace never reaches a client.
 * - A request over the body limit, over the in-flight limits or slower than
 *   the timeouts is refused without reaching the Api: nothing is written.
 *
 * Caveats:
 * - Lists and watches are served at the latest revision: a list at an
 *   older `resourceVersion` with `resourceVersionMatch=Exact` gets the
 *   latest state.
 */
export class ApiServer implements ComponentLifecycle {
  /** The patch formats accepted; register more with `patchers.register(contentType, applier)`. */
  readonly patchers = new PatchAppliers();
  /** Documents served at fixed paths besides discovery (OpenAPI: `/openapi/v2`, `/openapi/v3`). */
  readonly documents = new Map<string, PathDocument>();
  /** Resolves when the server listens. */
  readonly ready: Promise<ServingInfo>;
  /** Resolves when the server has stopped and released everything. */
  readonly stopped: Promise<void>;
  private readonly limits: ServerLimits;
  private readonly index: ResourceIndex;
  private readonly rest: RestServices;
  private readonly deps: RequestHandlerDeps;
  private readonly stopping = new AbortController();
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<Promise<void>>();
  private server?: Server;
  private serving?: ServingInfo;
  private stopPromise?: Promise<void>;
  private markReady!: (info: ServingInfo) => void;
  private markStopped!: () => void;

  constructor(private readonly options: ApiServerOptions) {
    this.limits = { ...defaultServerLimits, ...options.limits };
    // Writes through the server carry their requester, so these hooks see who asked; the Api's trusted callers pass.
    if (options.authorizer) options.api.addAuthorizationAdmission(options.authorizer);
    options.api.setFieldManager(apiServerFieldManager, options.inProcessFieldManager);
    this.index = new ResourceIndex(options.api, [horizontalPodAutoscalerV1]);
    this.rest = {
      api: options.api,
      clock: options.clock ?? options.api.clock,
      printers: new Printers(options.printers),
      patchers: this.patchers,
      bodyLimit: this.limits.maxBodyBytes,
      bodyEntries: this.limits.maxBodyEntries,
      watch: { ...defaultWatchOptions, ...options.watch },
      kubelet: options.kubeletClient ?? {},
      serviceAccountTokens: options.serviceAccountTokens ?? options.api.serviceAccountTokens,
    };
    this.documents.set('/openapi/v2', openApiV2Route(options.api.registry));
    this.documents.set('/openapi/v3', openApiV3Route(options.api.registry));
    // Every request in flight listens for the stop: as many listeners as requests, by design.
    setMaxListeners(0, this.stopping.signal);
    this.deps = {
      api: options.api,
      index: this.index,
      rest: this.rest,
      gate: new InFlightGate(this.limits),
      limits: this.limits,
      deadlines: new RequestDeadlines(this.limits.requestTimeoutMs),
      active: new ActiveRequests(),
      authenticator: this.authenticatorOf(options),
      authorizer: options.authorizer ?? options.api.authorizer,
      audit: options.audit,
      logger: options.logger ?? silentLogger(),
      documents: this.documents,
      ...this.metricsOf(options),
      ready: () => this.serving !== undefined && !this.stopping.signal.aborted,
      stopping: this.stopping.signal,
    };
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.stopped = new Promise((resolve) => {
      this.markStopped = resolve;
    });
  }

  /** The metrics source requests read, unless the options turn the group off. */
  private metricsOf(options: ApiServerOptions): { metrics?: ResourceMetricsSource } {
    if (options.metrics === false) return {};
    const logger = options.logger ?? silentLogger();
    return {
      metrics: options.metrics ?? new KubeletSummaryMetrics({ api: options.api, kubelet: this.rest.kubelet, logger }),
    };
  }

  /** Where the server listens; throws before `listen` has resolved. */
  get info(): ServingInfo {
    if (!this.serving) throw new Error('the ApiServer is not listening; call start() or listen() first');
    return this.serving;
  }

  /** Listens with the constructor's `listen` options; aborting `signal` stops the server. */
  async start(signal?: AbortSignal): Promise<ServingInfo> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    return this.listen(this.options.listen ?? {});
  }

  /** Opens the port; resolves with where it listens. Call once. */
  async listen(options: ListenOptions = {}): Promise<ServingInfo> {
    if (this.server) throw new Error('the ApiServer is already listening');
    const host = options.host ?? '127.0.0.1';
    const tls = options.tls === true ? await generateServingCertificate([host]) : options.tls || undefined;
    if (options.clientCa && !tls) throw new TypeError('listen.clientCa: client certificates need tls');
    const handler = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    const serverOptions = {
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestReceiveTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s); check often enough to honour short ones.
      connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      keepAliveTimeout: 30_000,
    };
    const server = tls
      ? createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key, ...clientCertificates(options) }, handler)
      : createHttpServer(serverOptions, handler);
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const work = handleUpgrade(this.deps, req, socket, head);
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    this.serving = { url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`, host, port, caCert: tls?.caCert };
    this.markReady(this.serving);
    return this.serving;
  }

  /**
   * Stops: refuses new connections, ends every watch with a finished chunked
   * response, waits for in-flight requests, closes idle and remaining sockets.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown();
    return this.stopPromise;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    this.stopping.abort();
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...this.inFlight, this.deps.active.idle()]);
      server.closeIdleConnections();
      for (const socket of this.sockets) socket.destroySoon();
      await closed;
    }
    this.deps.deadlines.close();
    this.index.close();
    this.markStopped();
  }

  /**
   * Client certificates first (a no-op unless `listen` has a `clientCa`),
   * then service account tokens when this server issues them, then the
   * given authenticator (anonymous by default), as kube-apiserver orders them.
   */
  private authenticatorOf(options: ApiServerOptions): Authenticator {
    const given = options.authenticator ?? anonymousAuthenticator;
    const issuer = this.rest.serviceAccountTokens;
    const tokens = issuer ? [serviceAccountTokenAuthenticator(options.api, issuer)] : [];
    return unionAuthenticator([clientCertificateAuthenticator(), ...tokens, given]);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // The handler counts its requests itself (`ActiveRequests`): no promise per request for a stop to wait on.
    handleRequest(this.deps, req, res).catch((err: unknown) => {
      // handleRequest answers every failure itself; this is the last line that keeps the process up.
      this.deps.logger.error({ err }, 'request handler failed');
      res.destroy();
    });
  }
}
