import type { IncomingMessage } from 'node:http';
import { HttpStatusError } from '../errors/http-status-error.js';

/**
 * The subprotocol prefix that carries a bearer token (kube-apiserver's
 * WebSocket protocol authenticator): a browser cannot set `Authorization` on
 * a WebSocket, so it offers `base64url.bearer.authorization.k8s.io.<token>`
 * beside the protocols it means to speak.
 */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

const RAW_BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const refused = (message: string) => new HttpStatusError(401, 'Unauthorized', message);

/** Unpadded base64url (Go's `RawURLEncoding`), strictly: Node's own decoder skips what it does not know. */
function decodeRawBase64Url(encoded: string): string {
  if (!RAW_BASE64URL.test(encoded) || encoded.length % 4 === 1) {
    throw refused('invalid base64.bearer.authorization token encoding');
  }
  try {
    return utf8.decode(Buffer.from(encoded, 'base64url'));
  } catch {
    throw refused('invalid base64.bearer.authorization token');
  }
}

/**
 * Moves a bearer token offered as a WebSocket subprotocol into the request's
 * `Authorization` header, and takes it out of `Sec-WebSocket-Protocol`, so
 * the authenticators read it like any bearer token and the token is never
 * echoed back or passed on to a node agent. As kube-apiserver: one token at
 * most, strictly unpadded base64url of UTF-8, and at least one other
 * subprotocol beside it (the one the connection will speak); any of these
 * broken is a 401. A request that already carries `Authorization` keeps it.
 */
export function takeWebSocketBearerToken(req: IncomingMessage): void {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return;
  let token: string | undefined;
  const others: string[] = [];
  for (const protocol of header.split(',').map((p) => p.trim())) {
    if (!protocol.startsWith(BEARER_PROTOCOL_PREFIX)) {
      if (protocol !== '') others.push(protocol);
      continue;
    }
    if (token !== undefined) throw refused('multiple base64.bearer.authorization tokens specified');
    token = decodeRawBase64Url(protocol.slice(BEARER_PROTOCOL_PREFIX.length));
  }
  if (!token) return;
  if (others.length === 0) throw refused('missing additional subprotocol');
  req.headers['sec-websocket-protocol'] = others.join(', ');
  req.headers.authorization ??= `Bearer ${token}`;
}
