import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { holdPendingUpgrade } from '@flotilla/core';

/** Connection-level headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

const forwardable = (headers: IncomingMessage['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

/** The request to the API server that carries `req` on: its method, path and end-to-end headers. */
function upstreamRequest(target: URL, ca: string | undefined, req: IncomingMessage, extraHeaders = {}) {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return request({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: { ...forwardable(req.headers), ...extraHeaders },
    // A connection per request: a pooled keep-alive socket the server is closing at that moment would fail the
    // request with "socket hang up"; loopback connections are cheap, and watches hold theirs for minutes anyway.
    agent: false,
    ...(ca ? { ca } : {}),
  });
}

/** The Status the viewer gets when the API server cannot be reached. */
function badGateway(target: URL, err: Error): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: 502,
    reason: 'BadGateway',
    message: `the dashboard could not reach the API server at ${target.origin}: ${err.message}`,
  });
}

/**
 * Forwards one request to the API server as it came, credentials included
 * and none added: the server sees the viewer's own token and authorizes
 * the viewer, never the dashboard. Bodies and answers stream both ways, so
 * a watch stays open as long as the server keeps it.
 */
export function forwardToApiServer(
  target: URL,
  ca: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const upstream = upstreamRequest(target, ca, req);
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
    // Flush headers of a watch at once: the browser waits for them before reading events.
    res.flushHeaders();
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(badGateway(target, err));
  });
  // The viewer went away (a closed tab, a view switched): end the watch upstream too.
  res.once('close', () => upstream.destroy());
  req.pipe(upstream);
}

/** An HTTP/1.1 head: the status line, then each header as given (`rawHeaders` pairs or name/value entries). */
function head(statusLine: string, headers: [string, string][]): string {
  return `${statusLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

const pairs = (raw: string[]): [string, string][] =>
  Array.from({ length: raw.length / 2 }, (_, i): [string, string] => [raw[2 * i], raw[2 * i + 1]]);

/**
 * Forwards a protocol upgrade (the shell's WebSocket to `pods/exec`) to the
 * API server as it came, its subprotocols (and the viewer's token among
 * them) untouched. Once the server switches protocols, its 101 goes back to
 * the browser and bytes flow both ways until either side closes; a refusal
 * (401, 403, 404) goes back as the server gave it.
 */
export function forwardUpgrade(
  target: URL,
  ca: string | undefined,
  req: IncomingMessage,
  socket: Duplex,
  early: Buffer,
): void {
  const upstream = upstreamRequest(target, ca, req, {
    Connection: 'Upgrade',
    Upgrade: String(req.headers.upgrade ?? ''),
  });
  socket.on('error', () => upstream.destroy());
  // A browser that gives up before the server answers takes the server's half (an exec on a node) with it.
  const pending = holdPendingUpgrade(socket, early, () => upstream.destroy());
  upstream.on('upgrade', (answer, tunnel, tunnelHead) => {
    const sent = pending.release();
    if (socket.destroyed) return void tunnel.destroy();
    socket.write(head(`HTTP/1.1 101 ${answer.statusMessage || 'Switching Protocols'}`, pairs(answer.rawHeaders)));
    if (tunnelHead.length > 0) socket.write(tunnelHead);
    if (sent.length > 0) tunnel.write(sent);
    tunnel.on('error', () => socket.destroy());
    tunnel.on('close', () => socket.destroy());
    socket.on('close', () => tunnel.destroy());
    tunnel.pipe(socket);
    socket.pipe(tunnel);
  });
  upstream.on('response', (answer) => {
    pending.release();
    const headers = Object.entries(forwardable(answer.headers)).map(([n, v]): [string, string] => [n, String(v)]);
    socket.write(head(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`, [...headers, ['Connection', 'close']]));
    answer.pipe(socket);
  });
  upstream.on('error', (err) => {
    const body = badGateway(target, err);
    const headers: [string, string][] = [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
    ];
    if (socket.writable) socket.end(head('HTTP/1.1 502 Bad Gateway', headers) + body);
  });
  upstream.end();
}
