import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardable(req.headers),
      // A connection per request: a pooled keep-alive socket the server is closing at that moment would fail the
      // request with "socket hang up"; loopback connections are cheap, and watches hold theirs for minutes anyway.
      agent: false,
      ...(ca ? { ca } : {}),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      // Flush headers of a watch at once: the browser waits for them before reading events.
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 502,
      reason: 'BadGateway',
      message: `the dashboard could not reach the API server at ${target.origin}: ${err.message}`,
    };
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(status));
  });
  // The viewer went away (a closed tab, a view switched): end the watch upstream too.
  res.once('close', () => upstream.destroy());
  req.pipe(upstream);
}
