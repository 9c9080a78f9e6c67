import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { HttpStatusError } from '../errors/http-status-error.js';

/**
 * How the apiserver reaches node agents (kube-apiserver's `--kubelet-*`
 * flags): the credentials it presents, the CA it trusts, and which Node
 * address it dials.
 */
export interface KubeletClientOptions {
  /** Bearer token sent to every agent (`Authorization: Bearer ...`). */
  token?: string;
  /** Client certificate and key presented in the TLS handshake (`--kubelet-client-certificate`/`-key`). */
  clientCertificate?: { cert: string; key: string };
  /** PEM CA certificate(s) the agents' serving certificates must chain to (`--kubelet-certificate-authority`). */
  ca?: string | string[];
  /** Skip verifying the agents' serving certificates. Default false; for loopback tests only. */
  insecureSkipTlsVerify?: boolean;
  /**
   * Node address types tried in order (`--kubelet-preferred-address-types`).
   * Default `InternalIP`, `ExternalIP`, `Hostname`: Flotilla's node names
   * often do not resolve, so addresses come first.
   */
  preferredAddressTypes?: string[];
  /** How long to wait for an agent to accept a connection. Default 10000 ms. */
  connectTimeoutMs?: number;
}

/** Where one node agent listens. */
export interface KubeletEndpoint {
  node: string;
  host: string;
  port: number;
}

/** The TLS options and headers every connection to an agent carries. */
export function kubeletConnection(
  options: KubeletClientOptions,
  endpoint: KubeletEndpoint,
): ConnectionOptions & { headers: Record<string, string> } {
  return {
    host: endpoint.host,
    port: endpoint.port,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.clientCertificate ?? {}),
    rejectUnauthorized: options.insecureSkipTlsVerify !== true,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  };
}

/** The https:// or wss:// URL of `path` on the agent. */
export function kubeletUrl(scheme: 'https' | 'wss', endpoint: KubeletEndpoint, path: string): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${scheme}://${host}:${endpoint.port}${path}`;
}

/** An agent that could not be reached, as the Status the client gets: what failed and what to check. */
export function unreachable(endpoint: KubeletEndpoint, err: unknown): HttpStatusError {
  const cause = err instanceof Error ? err.message : String(err);
  return new HttpStatusError(
    502,
    'ServiceUnavailable',
    `error dialing backend: the node agent of node "${endpoint.node}" at ${endpoint.host}:${endpoint.port} is unreachable (${cause}); check that the node agent runs with its API server enabled and that the apiserver's kubeletClient options trust its certificate`,
  );
}

/**
 * Sends one request to an agent and resolves with its response (any status)
 * once headers arrive; the request is destroyed when `signal` aborts.
 */
export function requestKubelet(
  options: KubeletClientOptions,
  endpoint: KubeletEndpoint,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: NodeJS.ReadableStream; signal: AbortSignal },
): Promise<IncomingMessage> {
  const connection = kubeletConnection(options, endpoint);
  return new Promise((resolve, reject) => {
    const req = request({
      ...connection,
      path,
      method: init.method,
      headers: { ...init.headers, ...connection.headers },
      signal: init.signal,
      timeout: options.connectTimeoutMs ?? 10_000,
    });
    req.once('socket', (socket) => {
      // The timeout guards the dial only: a followed log may be silent for hours.
      socket.once(socket.connecting ? 'secureConnect' : 'ready', () => req.setTimeout(0));
    });
    req.once('timeout', () => req.destroy(new Error(`no connection within ${options.connectTimeoutMs ?? 10_000} ms`)));
    req.once('response', resolve);
    req.once('error', (err) => reject(init.signal.aborted ? err : unreachable(endpoint, err)));
    if (init.body) init.body.pipe(req);
    else req.end();
  });
}
