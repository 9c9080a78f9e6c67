import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Api, Logger } from '@flotilla/core';
import { ApiError, ApiResourceClient, forbiddenMessage } from '@flotilla/core';
import { type AuditOptions, auditRequest } from '../audit/request-audit.js';
import { isAccessReview, serveAccessReview } from '../auth/access-reviews.js';
import { impersonatedUser } from '../auth/impersonation.js';
import type { Authenticator, AuthorizationAttributes, Authorizer, UserInfo } from '../auth/types.js';
import { discoveryDocument } from '../discovery/discovery-documents.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { statusFromError } from '../errors/status.js';
import { withMetricsDiscovery } from '../metrics/metrics-discovery.js';
import { METRICS_GROUP, METRICS_VERSION } from '../metrics/metrics-group.js';
import { serveMetrics } from '../metrics/metrics-routes.js';
import type { ResourceMetricsSource } from '../metrics/resource-metrics.js';
import type { InFlightGate } from '../protection/in-flight-gate.js';
import { requestClassOf } from '../protection/in-flight-gate.js';
import type { RequestDeadlines, TimedRequest } from '../protection/request-deadlines.js';
import type { ServerLimits } from '../protection/server-limits.js';
import type { ResourceIndex } from '../resources/resource-index.js';
import { serveResource } from '../rest/resource-handler.js';
import type { RestRequest, RestServices } from '../rest/rest-request.js';
import { responseView } from '../rest/view.js';
import type { ActiveRequests } from './active-requests.js';
import { parseAccept } from './media-type.js';
import { type RequestInfo, requestInfoOf } from './request-info.js';
import { writeJson, writeStatus } from './respond.js';

/**
 * A document served under a path prefix (OpenAPI), built per request from
 * the full path and the Accept header; `undefined` answers 404.
 */
export type PathDocument = (
  path: string,
  accept: string | undefined,
) => { body: unknown; contentType: string } | undefined;

/** Everything the request handler needs from its server. */
export interface RequestHandlerDeps {
  api: Api;
  index: ResourceIndex;
  rest: RestServices;
  gate: InFlightGate;
  limits: ServerLimits;
  /** The request timeout of short requests (`limits.requestTimeoutMs`), one timer for all. */
  deadlines: RequestDeadlines;
  /** The requests being answered, which a stop waits for. */
  active: ActiveRequests;
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** The audit policy and log, when requests are audited. */
  audit?: AuditOptions;
  logger: Logger;
  /** Extra documents by path prefix (`/openapi/v2`, `/openapi/v3`). */
  documents: Map<string, PathDocument>;
  /** Where `metrics.k8s.io` answers come from; absent, the group is not served. */
  metrics?: ResourceMetricsSource;
  /** True while the server takes requests; `/readyz` fails once it stops. */
  ready(): boolean;
  /** Aborted when the server stops: ends watches and in-flight work. */
  stopping: AbortSignal;
}

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);

/** kube-apiserver's long-running subresources: no request timeout (a followed log lasts as long as the client wants). */
const LONG_RUNNING_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

function isLongRunning(info: RequestInfo): boolean {
  return info.resourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource);
}

/** kube-apiserver's wording of a refused request (core's, shared with `api.as`). */
export { forbiddenMessage };

/** The authorization attributes of a request. */
export function attributesOf(user: UserInfo, info: RequestInfo): AuthorizationAttributes {
  return {
    user,
    verb: info.verb,
    resourceRequest: info.resourceRequest,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: info.path,
  };
}

/** The request target split as sent: URL parsing would resolve `..` segments, which a resource path must never carry. */
function splitTarget(raw: string): { path: string; query: URLSearchParams } {
  const mark = raw.indexOf('?');
  if (mark < 0) return { path: raw, query: new URLSearchParams() };
  const hash = raw.indexOf('#', mark);
  return { path: raw.slice(0, mark), query: new URLSearchParams(raw.slice(mark + 1, hash < 0 ? undefined : hash)) };
}

/**
 * One request in flight: its abort signal, its in-flight slot and its
 * timeout. The signal is made only when something asks for it: most
 * requests end by themselves and never read it, and an AbortController
 * (with its listener for the client going away) costs more than their
 * routing. Aborting before it exists makes it aborted from the start.
 */
class InFlightRequest implements TimedRequest {
  deadline = 0;
  /** The request timeout passed: it was answered 504, and what it does later is not sent. */
  timedOut = false;
  /** Gives back its in-flight slot (idempotent). */
  release?: () => void;
  private controller?: AbortController;
  private aborted = false;
  private answered = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly deps: RequestHandlerDeps,
  ) {
    deps.active.started();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // Only a client gone before its answer aborts: a finished response closes too.
      if (this.res.closed && !this.res.writableFinished) this.aborted = true;
      else this.res.once('close', () => this.res.writableFinished || this.abort());
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }

  /**
   * Past the request timeout: a 504 Status now, and the request counts as answered (its slot given
   * back, a stop no longer waits for it); its signal aborts for the work still running.
   */
  expire(): void {
    this.timedOut = true;
    this.abort();
    const seconds = this.deps.limits.requestTimeoutMs / 1000;
    answerFailure(
      this.req,
      this.res,
      new HttpStatusError(504, 'Timeout', `the request did not complete within ${seconds}s`, 1),
    );
    this.finish();
  }

  /** The request is answered: its timeout, slot and place among the active requests are given back, once. */
  finish(): void {
    if (this.answered) return;
    this.answered = true;
    this.deps.deadlines.delete(this);
    this.release?.();
    this.deps.active.ended();
  }
}

/**
 * One request through the server's filters, in kube-apiserver's order:
 * health checks, authentication, request attributes, authorization,
 * max-in-flight, then discovery, documents or REST. Every failure is
 * answered as a Status; a stack trace never leaves the server.
 */
export async function handleRequest(
  deps: RequestHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = new InFlightRequest(req, res, deps);
  let onStop: (() => void) | undefined;
  try {
    const { path, query } = splitTarget(req.url ?? '/');
    if (!path.startsWith('/')) throw new HttpStatusError(400, 'BadRequest', 'the request path must be absolute');
    if (HEALTH_PATHS.has(path)) {
      const ok = path !== '/readyz' || deps.ready();
      res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(ok ? 'ok' : 'not ready: the server is stopping');
      return;
    }
    const authenticated = await deps.authenticator.authenticate(req);
    if (!authenticated) throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
    const user = await impersonatedUser(req, authenticated, deps.authorizer);
    const info = requestInfoOf(req.method ?? 'GET', path, query);
    const attributes = attributesOf(user, info);
    const audited = deps.audit && auditRequest(deps.audit, deps.rest.clock, req, res, attributes);
    const fieldSelector = query.get('fieldSelector');
    if (fieldSelector) attributes.fieldSelector = fieldSelector;
    const decision = await deps.authorizer.authorize(attributes);
    audited?.annotate('authorization.k8s.io/decision', decision.decision === 'Allow' ? 'allow' : 'forbid');
    audited?.annotate('authorization.k8s.io/reason', decision.reason);
    if (decision.decision !== 'Allow') {
      throw new HttpStatusError(403, 'Forbidden', forbiddenMessage(attributes, decision.reason));
    }
    const cls = requestClassOf(info.verb);
    // Long-running requests (a followed log, a proxied stream) hold no in-flight slot, as in kube-apiserver.
    if (!isLongRunning(info)) request.release = deps.gate.acquire(cls);
    if (cls === 'watch' || isLongRunning(info)) {
      // Only what runs until it is told to stop listens for the server's stop: an EventTarget listener
      // costs more than a short request's whole routing, and a short request ends by itself.
      onStop = () => request.abort();
      deps.stopping.addEventListener('abort', onStop, { once: true });
      if (deps.stopping.aborted) request.abort();
    } else deps.deadlines.add(request);
    // Writes name their requester to the Api (admission, RBAC's escalation check): no async context per request,
    // whose promise hooks would slow every promise of the process.
    await serve(deps, req, res, query, info, request, user);
  } catch (err) {
    // A request past its timeout was answered then; what its work does afterwards is not the client's.
    if (!request.timedOut) {
      logUnexpected(deps, req, err);
      answerFailure(req, res, err);
    }
  } finally {
    request.finish();
    if (onStop) deps.stopping.removeEventListener('abort', onStop);
  }
}

/** Answers a failed request with its Status, keeping the connection if the client still sends a body. */
function answerFailure(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  writeStatus(res, statusFromError(err));
  discardRefusedBody(req, res);
}

/** How much of a refused body is read and dropped to keep the connection, as Go's net/http server does. */
const MAX_DISCARDED_BODY_BYTES = 256 * 1024;

/**
 * A request refused before its body was read (401, 403, 413) may still be sending it. Closing the
 * connection at once makes the client's next write meet a reset, which it can report instead of
 * the refusal (kubectl printed "connection reset" for a 401); a small remainder is read and
 * dropped so the connection lives on, a large one ends the connection.
 */
function discardRefusedBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  let discarded = 0;
  const discard = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded <= MAX_DISCARDED_BODY_BYTES) return;
    req.off('data', discard);
    // The refusal is sent whole before the connection goes.
    if (res.writableFinished) req.destroy();
    else res.once('finish', () => req.destroy());
  };
  req.on('data', discard);
  req.resume();
}

/** Errors that are not a typed refusal are bugs or outages: log them (the client gets a generic 500). */
function logUnexpected(deps: RequestHandlerDeps, req: IncomingMessage, err: unknown): void {
  if (err instanceof HttpStatusError || err instanceof ApiError) return;
  deps.logger.error({ err, method: req.method, url: req.url }, 'request failed');
}

async function serve(
  deps: RequestHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  info: RequestInfo,
  request: InFlightRequest,
  user: UserInfo,
): Promise<void> {
  const acceptHeader = req.headers.accept;
  const accept = parseAccept(acceptHeader);
  if (!info.resourceRequest) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpStatusError(405, 'MethodNotAllowed', `${req.method} is not supported on ${info.path}`);
    }
    for (const [prefix, document] of deps.documents) {
      if (info.path !== prefix && !info.path.startsWith(`${prefix}/`)) continue;
      const doc = document(info.path, acceptHeader);
      if (doc) return writeJson(res, 200, doc.body, doc.contentType);
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const registryDocument = () => discoveryDocument(info.path, accept, deps.index);
    const doc = deps.metrics ? withMetricsDiscovery(info.path, registryDocument) : registryDocument();
    if (!doc) throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    return writeJson(res, 200, doc.body, doc.contentType);
  }
  if (isAccessReview(info)) {
    return serveAccessReview(req, res, info.resource, deps.authorizer, deps.limits.maxBodyBytes, user);
  }
  if (deps.metrics && info.apiGroup === METRICS_GROUP && info.apiVersion === METRICS_VERSION) {
    const now = deps.rest.clock.now();
    return serveMetrics({ api: deps.api, source: deps.metrics, info, query, res, now });
  }
  const served = deps.index.find(info.apiGroup, info.apiVersion, info.resource);
  if (!served) {
    throw new HttpStatusError(404, 'NotFound', `the server could not find the requested resource`);
  }
  const { type, conversion } = served;
  const client = deps.api.resource(type.kind);
  if (!(client instanceof ApiResourceClient)) {
    throw new HttpStatusError(500, 'InternalError', `the Api's client for ${type.kind} cannot be served over HTTP`);
  }
  const view = responseView(
    type,
    accept,
    query,
    deps.rest.printers,
    () => deps.rest.clock.now(),
    conversion?.fromStored,
  );
  const r: RestRequest = {
    req,
    res,
    info,
    query,
    type,
    client,
    view,
    conversion,
    get signal() {
      return request.signal;
    },
    user,
  };
  await serveResource(r, deps.rest);
}
