import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { holdPendingUpgrade } from '@flotilla/core';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpStatusError } from '../errors/http-status-error.js';
import { type Status, statusFromError } from '../errors/status.js';
import { attributesOf, forbiddenMessage, type RequestHandlerDeps } from '../server/request-handler.js';
import { type RequestInfo, requestInfoOf } from '../server/request-info.js';
import { bridgeWebSockets } from './bridge.js';
import {
  type KubeletClientOptions,
  type KubeletEndpoint,
  kubeletConnection,
  kubeletUrl,
  unreachable,
} from './kubelet-client.js';
import { nodeProxyPath } from './node-proxy-path.js';
import { kubeletEndpointOf, podTarget } from './node-target.js';
import { serveSpdyPortForward } from './spdy/spdy-port-forward.js';
import { SpdySession } from './spdy/spdy-session.js';
import { takeWebSocketBearerToken } from './websocket-bearer-token.js';

/** The pod subresources served over a WebSocket, and the agent path each maps to. */
const POD_STREAMS: Record<string, string> = { exec: 'exec', attach: 'attach', portforward: 'portForward' };

/** The agent endpoint and path an upgrade request addresses. */
async function upgradeTarget(
  deps: RequestHandlerDeps,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<{ endpoint: KubeletEndpoint; path: string }> {
  const kubelet = deps.rest.kubelet;
  if (info.apiGroup === '' && info.resource === 'pods' && info.name && POD_STREAMS[info.subresource]) {
    const portForward = info.subresource === 'portforward';
    const target = await podTarget(deps.api, info.namespace, info.name, query.get('container'), kubelet, !portForward);
    const names = [info.namespace, info.name, ...(portForward ? [] : [target.container])];
    const rest = new URLSearchParams(query);
    rest.delete('container');
    const path = `/${POD_STREAMS[info.subresource]}/${names.map(encodeURIComponent).join('/')}?${rest}`;
    return { endpoint: target.endpoint, path };
  }
  if (info.apiGroup === '' && info.resource === 'nodes' && info.name && info.subresource === 'proxy') {
    const endpoint = await kubeletEndpointOf(deps.api, info.name, kubelet);
    return { endpoint, path: nodeProxyPath(info.path, query) };
  }
  throw new HttpStatusError(
    400,
    'BadRequest',
    `${info.path} does not take a WebSocket upgrade: only pods/exec, pods/attach, pods/portforward and nodes/proxy do`,
  );
}

/** A WebSocket to `path` on the agent, with the apiserver's credentials. */
function agentWebSocket(
  kubelet: KubeletClientOptions,
  endpoint: KubeletEndpoint,
  path: string,
  protocols: string[],
): WebSocket {
  const { headers, ...tls } = kubeletConnection(kubelet, endpoint);
  return new WebSocket(kubeletUrl('wss', endpoint, path), protocols, {
    ...tls,
    headers,
    handshakeTimeout: kubelet.connectTimeoutMs ?? 10_000,
    perMessageDeflate: false,
  });
}

/** kubectl's port-forward fallback: `POST pods/<name>/portforward` upgrading to SPDY/3.1 with `portforward.k8s.io`. */
function isSpdyPortForward(req: IncomingMessage, info: RequestInfo): boolean {
  const protocols = String(req.headers['x-stream-protocol-version'] ?? '')
    .split(',')
    .map((p) => p.trim());
  return (
    (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1' &&
    info.resource === 'pods' &&
    info.subresource === 'portforward' &&
    protocols.includes('portforward.k8s.io')
  );
}

/**
 * Switches the connection to SPDY/3.1 and serves kubectl's port-forward
 * streams from the pod's node agent (one agent WebSocket per forwarded
 * connection).
 */
async function serveSpdy(deps: RequestHandlerDeps, info: RequestInfo, socket: Duplex, head: Buffer): Promise<void> {
  const kubelet = deps.rest.kubelet;
  const target = await podTarget(deps.api, info.namespace, info.name, null, kubelet, false);
  const names = [info.namespace, info.name].map(encodeURIComponent).join('/');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
  );
  if (head.length > 0) socket.unshift(head);
  serveSpdyPortForward(new SpdySession(socket), (port) =>
    agentWebSocket(kubelet, target.endpoint, `/portForward/${names}?port=${port}`, ['portforward.k8s.io']),
  );
}

/** The subprotocols a WebSocket client offers, in its order. */
function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A subprotocol token (RFC 6455 / RFC 7230): what a WebSocket may carry in `Sec-WebSocket-Protocol`. */
const PROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Only WebSocket upgrades with channel subprotocols are passed on: SPDY
 * (kubectl's fallback, `Upgrade: SPDY/3.1`) and SPDY tunnelled in a
 * WebSocket (`SPDY/3.1+portforward.k8s.io`, what kubectl 1.31+ port-forward
 * offers) are refused with a 400 that says so, before any agent is dialled.
 */
function checkStreamProtocol(req: IncomingMessage): void {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `upgrade to ${JSON.stringify(req.headers.upgrade ?? '')} is not supported: connect with a WebSocket (v5.channel.k8s.io, v4.channel.k8s.io, portforward.k8s.io)`,
    );
  }
  const offered = offeredProtocols(req);
  if (offered.length === 0 || offered.some((p) => !PROTOCOL_TOKEN.test(p))) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `none of the offered subprotocols [${offered.join(', ')}] is served: use v5.channel.k8s.io or v4.channel.k8s.io (exec, attach) or portforward.k8s.io (port-forward); SPDY tunnelled in a WebSocket is not supported`,
    );
  }
}

/** Answers an upgrade request with a Status instead of switching protocols, and closes the connection. */
function refuse(socket: Duplex, status: { code: number; body: string; contentType: string }): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status.code} ${status.code < 500 ? 'Refused' : 'Failed'}\r\n` +
      `Content-Type: ${status.contentType}\r\nContent-Length: ${Buffer.byteLength(status.body)}\r\nConnection: close\r\n\r\n${status.body}`,
  );
}

const statusAnswer = (status: Status) => ({
  code: status.code,
  body: JSON.stringify(status),
  contentType: 'application/json',
});

/** Largest refusal body read back from an agent. */
const MAX_REFUSAL_BYTES = 64 * 1024;

/**
 * Serves a WebSocket upgrade (`kubectl exec`, `attach`, `port-forward`, and
 * `nodes/<name>/proxy/...`): authenticated (a browser's bearer token may come
 * as a `base64url.bearer.authorization.k8s.io.` subprotocol) and authorized like every other request
 * (exec, attach and port-forward need `create` on the subresource, as
 * kube-apiserver 1.31+ checks for WebSocket upgrades), then a WebSocket is
 * opened to the pod's node agent offering the client's subprotocols, and
 * only once the agent has switched protocols is the client answered 101
 * with the subprotocol the agent chose; frames then flow both ways. An agent
 * that refuses is answered with its own status and body; one that cannot be
 * reached with a 502 Status.
 */
export async function handleUpgrade(
  deps: RequestHandlerDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  socket.on('error', () => socket.destroy());
  try {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    takeWebSocketBearerToken(req);
    const user = await deps.authenticator.authenticate(req);
    if (!user) throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
    const info = requestInfoOf(req.method ?? 'GET', path, query);
    if (info.resource === 'pods' && POD_STREAMS[info.subresource]) info.verb = 'create';
    const attributes = attributesOf(user, info);
    const decision = await deps.authorizer.authorize(attributes);
    if (decision.decision !== 'Allow') {
      throw new HttpStatusError(403, 'Forbidden', forbiddenMessage(attributes, decision.reason));
    }
    if (isSpdyPortForward(req, info)) return await serveSpdy(deps, info, socket, head);
    checkStreamProtocol(req);
    const { endpoint, path: agentPath } = await upgradeTarget(deps, info, query);
    await connect(deps, req, socket, head, endpoint, agentPath);
  } catch (err) {
    refuse(socket, statusAnswer(statusFromError(err)));
  }
}

function connect(
  deps: RequestHandlerDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  endpoint: KubeletEndpoint,
  path: string,
): Promise<void> {
  const offered = offeredProtocols(req);
  const upstream = agentWebSocket(deps.rest.kubelet, endpoint, path, offered);
  // A client that gives up before the agent answers takes the agent's half with it.
  const pending = holdPendingUpgrade(socket, head, () => upstream.terminate());
  return new Promise((resolve) => {
    const onError = (err: Error) => {
      pending.release();
      deps.logger.debug({ err, node: endpoint.node }, 'node agent WebSocket failed');
      refuse(socket, statusAnswer(statusFromError(unreachable(endpoint, err))));
      resolve();
    };
    upstream.once('error', onError);
    upstream.once('open', () => {
      const early = pending.release();
      upstream.off('error', onError);
      if (socket.destroyed) {
        upstream.terminate();
        return resolve();
      }
      // The client is answered with the subprotocol the agent chose (one the client offered).
      const wss = new WebSocketServer({
        noServer: true,
        perMessageDeflate: false,
        handleProtocols: () => upstream.protocol || false,
      });
      wss.handleUpgrade(req, socket, early, (client) => {
        bridgeWebSockets(client, upstream);
        resolve();
      });
    });
    upstream.once('unexpected-response', (_request, response) => {
      pending.release();
      upstream.off('error', onError);
      upstream.on('error', () => {});
      relayRefusal(socket, response).finally(resolve);
      upstream.terminate();
    });
  });
}

/** Passes an agent's non-101 answer (a Status, usually) to the client. */
async function relayRefusal(socket: Duplex, response: IncomingMessage): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REFUSAL_BYTES) break;
    chunks.push(chunk);
  }
  refuse(socket, {
    code: response.statusCode ?? 502,
    body: Buffer.concat(chunks).toString('utf8'),
    contentType: String(response.headers['content-type'] ?? 'application/json'),
  });
}
