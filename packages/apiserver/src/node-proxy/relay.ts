import type { IncomingMessage, ServerResponse } from 'node:http';

/** Response headers an agent's answer keeps on its way to the client (hop-by-hop ones are dropped). */
const RELAYED_HEADERS = ['content-type', 'content-length', 'content-encoding', 'cache-control', 'last-modified'];

/**
 * Streams an agent's answer to the client with its status: chunks are
 * written as they arrive (a followed log reaches kubectl line by line) and
 * the agent's stream pauses while the client's socket is full. A client that
 * goes away destroys the agent's response, so the agent stops as well.
 * Resolves when either side has finished.
 */
export function relayResponse(upstream: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache, private' };
  for (const name of RELAYED_HEADERS) {
    const value = upstream.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  res.writeHead(upstream.statusCode ?? 502, headers);
  res.flushHeaders();
  return new Promise((resolve) => {
    const finish = () => {
      upstream.destroy();
      resolve();
    };
    res.once('close', finish);
    upstream.once('error', () => {
      res.destroy();
      finish();
    });
    upstream.once('end', () => res.end());
    upstream.pipe(res, { end: false });
  });
}
