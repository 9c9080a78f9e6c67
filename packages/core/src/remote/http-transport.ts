import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../clock/clock.js';
import { BadRequestError, type ErrorTarget, TimeoutError, UnknownOutcomeError } from '../errors/api-errors.js';
import type { Backoff } from '../informer/backoff.js';
import type { ExecCredentialSource, ExecCredentialStatus } from './exec-credential.js';
import type { KubeconfigCredentials } from './kubeconfig.js';
import { errorFromStatus } from './status-error.js';
import type { TokenBucket } from './token-bucket.js';

/** How the transport reaches the server and proves who it is: a kubeconfig's fields, the exec plugin running. */
export interface TransportOptions extends Omit<KubeconfigCredentials, 'namespace' | 'exec'> {
  exec?: ExecCredentialSource;
  clock: Clock;
  limiter: TokenBucket;
  /** Time for an answer (for a watch: for its headers). */
  requestTimeoutMs: number;
  /** Retries of one request. */
  maxRetries: number;
  /** Backoff between retries of requests that failed before an answer. */
  backoff: () => Backoff;
}

/** One request: what to send and what the caller needs to know to report failures. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** The object the request is about, for typed errors. */
  target: ErrorTarget;
  /** For writes: what an unknown outcome is reported as. */
  operation?: UnknownOutcomeError['operation'];
  /** False for a request whose 429 is an answer, not back-pressure (an eviction refused by a budget). */
  retryTooManyRequests?: boolean;
  /** The revision asked for, so a 410 names it. */
  resourceVersion?: string;
  signal?: AbortSignal;
}

/** A decoded answer. */
export interface Answer {
  status: number;
  body: unknown;
}

/** What went wrong on the wire, and whether the server may have acted on the request. */
class WireFailure extends Error {
  constructor(
    message: string,
    /** The request bytes may have reached the server. */
    readonly maybeSent: boolean,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/**
 * Connections are kept open between requests, but an idle one is closed
 * after 4 s, before a Node server's 5 s keep-alive timeout closes it under
 * a request (a write sent on a connection the server is closing has an
 * unknown outcome). At most 64 at once per server.
 */
const KEEP_ALIVE = { keepAlive: true, maxSockets: 64, timeout: 4_000 } as const;

/** client-go's default: honour Retry-After on 429 and 5xx at most this often. */
export const DEFAULT_MAX_RETRIES = 10;

/** `Retry-After` in seconds (client-go reads only the integer form), capped so a hostile server cannot park us. */
function retryAfterMs(res: IncomingMessage): number | undefined {
  const header = res.headers['retry-after'];
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header) * 1000, 60_000);
}

function encodeQuery(query: RequestSpec['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.append(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * HTTP(S) to one server with keep-alive, the client-side rate limit and
 * client-go's retry rules:
 * - a 429 or 5xx carrying `Retry-After` is retried after that wait, up to
 *   `maxRetries` times (a 504 to a write is not: the write may be done);
 * - a request that never reached the server (connection refused) is retried
 *   with jittered backoff, any method;
 * - a connection lost after the request went out is retried for reads only;
 *   a write then ends in `UnknownOutcomeError` (read the object back), and
 *   so does a write whose answer does not come within `requestTimeoutMs`.
 */
export class HttpTransport {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private execAgent?: { cred: ExecCredentialStatus; agent: HttpsAgent };

  constructor(private readonly options: TransportOptions) {
    try {
      this.base = new URL(options.server);
    } catch {
      throw new BadRequestError(`server: Invalid value: "${options.server}": not a URL`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new BadRequestError(`server: Invalid value: "${options.server}": must be http or https`);
    }
    const https = this.base.protocol === 'https:';
    this.send = https ? httpsRequest : httpRequest;
    this.agent = https ? this.tlsAgent(options.cert, options.key) : new HttpAgent(KEEP_ALIVE);
  }

  /** Closes idle keep-alive connections; requests in flight finish. */
  close(): void {
    this.agent.destroy();
    this.execAgent?.agent.destroy();
  }

  /** Sends `spec` (rate limited, retried as documented) and decodes the JSON answer; failures are typed errors. */
  async request(spec: RequestSpec): Promise<Answer> {
    const { res, text } = await this.open(spec, false);
    return { status: res.statusCode ?? 0, body: parseJson(text ?? '') };
  }

  /** Opens a streaming GET (a watch): resolves with the 2xx response once its headers are in. */
  async stream(spec: RequestSpec): Promise<IncomingMessage> {
    return (await this.open(spec, true)).res;
  }

  private async open(spec: RequestSpec, streaming: boolean): Promise<Received> {
    const backoff = this.options.backoff();
    const write = spec.method !== 'GET';
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      await this.options.limiter.take(spec.signal);
      let received: Received;
      try {
        received = await this.attempt(spec, streaming);
      } catch (err) {
        if (!(err instanceof WireFailure)) throw err;
        if (spec.signal?.aborted) throw spec.signal.reason;
        if (write && err.maybeSent) {
          throw new UnknownOutcomeError(spec.target, spec.operation ?? 'update', err.message);
        }
        if (err.timedOut)
          throw new TimeoutError(`${spec.method} ${spec.path}: no answer in ${this.options.requestTimeoutMs} ms`);
        if (attempt >= this.options.maxRetries) throw new TimeoutError(`${spec.method} ${spec.path}: ${err.message}`);
        await this.options.clock.sleep(backoff.next(), spec.signal);
        continue;
      }
      const { res } = received;
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return received;
      const text = received.text ?? (await readBody(res).catch(() => ''));
      if (status === 401 && this.options.exec && !reauthenticated) {
        // client-go runs the plugin again once when the server refuses its credential.
        this.options.exec.invalidate();
        reauthenticated = true;
        continue;
      }
      const wait = retryAfterMs(res);
      const retryable =
        wait !== undefined &&
        attempt < this.options.maxRetries &&
        (status === 429 ? spec.retryTooManyRequests !== false : status >= 500 && !(write && status === 504));
      if (retryable) {
        await this.options.clock.sleep(wait, spec.signal);
        continue;
      }
      const body = parseJson(text);
      if (write && status === 504) {
        throw new UnknownOutcomeError(spec.target, spec.operation ?? 'update', 'the server timed out');
      }
      throw errorFromStatus(status, body ?? text, spec.target, {
        bodyBytes: spec.body === undefined ? 0 : JSON.stringify(spec.body).length,
        resourceVersion: spec.resourceVersion,
      });
    }
  }

  /** One try: a stream resolves on its headers, anything else once its whole body is in (within the timeout). */
  private async attempt(spec: RequestSpec, streaming: boolean): Promise<Received> {
    const headers: Record<string, string> = {
      Accept: spec.accept ?? 'application/json',
      'User-Agent': 'flotilla-remote-api/0.1',
    };
    let agent: HttpAgent = this.agent;
    const token = await this.authorization(headers);
    if (token?.clientCertificateData && token.clientKeyData) agent = this.agentForExec(token);
    let payload: Buffer | undefined;
    if (spec.body !== undefined) {
      payload = Buffer.from(JSON.stringify(spec.body), 'utf8');
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const url = new URL(this.base);
    const prefix = url.pathname.replace(/\/$/, '');
    return new Promise<Received>((resolve, reject) => {
      let sent = false;
      let settled = false;
      const req: ClientRequest = this.send(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: `${prefix}${spec.path}${encodeQuery(spec.query)}`,
          method: spec.method,
          headers,
          agent,
        },
        (res) => {
          if (streaming) {
            settled = true;
            timer.cancel();
            resolve({ res });
            return;
          }
          readBody(res).then((text) => {
            if (settled) return;
            settled = true;
            timer.cancel();
            resolve({ res, text });
          }, fail);
        },
      );
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        reject(err instanceof WireFailure ? err : new WireFailure(err.message, sent || req.reusedSocket, false));
      };
      const timer = this.options.clock.setTimeout(() => {
        fail(new WireFailure('timed out', true, true));
        req.destroy();
      }, this.options.requestTimeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) sent = true;
        else
          socket.once('connect', () => {
            sent = true;
          });
      });
      req.on('error', fail);
      const onAbort = () => {
        fail(spec.signal?.reason ?? new Error('aborted'));
        req.destroy();
      };
      if (spec.signal) {
        if (spec.signal.aborted) onAbort();
        else spec.signal.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => spec.signal?.removeEventListener('abort', onAbort));
      }
      req.end(payload);
    });
  }

  private async authorization(headers: Record<string, string>): Promise<ExecCredentialStatus | undefined> {
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (!this.options.exec) return undefined;
    const cred = await this.options.exec.credential();
    if (cred.token) headers.Authorization = `Bearer ${cred.token}`;
    return cred;
  }

  private agentForExec(cred: ExecCredentialStatus): HttpAgent {
    if (this.execAgent?.cred !== cred) {
      this.execAgent?.agent.destroy();
      this.execAgent = { cred, agent: this.tlsAgent(cred.clientCertificateData, cred.clientKeyData) };
    }
    return this.execAgent.agent;
  }

  private tlsAgent(cert: string | undefined, key: string | undefined): HttpsAgent {
    return new HttpsAgent({
      ...KEEP_ALIVE,
      ca: this.options.ca,
      cert,
      key,
      rejectUnauthorized: !this.options.insecureSkipTlsVerify,
      servername: this.options.tlsServerName,
    });
  }
}

interface Received {
  res: IncomingMessage;
  /** The whole body, read for every request but a stream. */
  text?: string;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) =>
      reject(err instanceof WireFailure ? err : new WireFailure(`answer cut off: ${err.message}`, true, false)),
    );
    res.on('aborted', () => reject(new WireFailure('answer cut off', true, false)));
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
