import type { ServerResponse } from 'node:http';
import type { Status } from '../errors/status.js';

/** Writes `body` as JSON with `code`; `contentType` overrides `application/json` (aggregated discovery needs its own). */
export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  writeEncodedJson(res, code, JSON.stringify(body), contentType);
}

/** Writes JSON already encoded (text or bytes) with `code`, as `writeJson` does. */
export function writeEncodedJson(
  res: ServerResponse,
  code: number,
  json: string | Buffer,
  contentType = 'application/json',
): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-cache, private',
  });
  res.end(json);
}

/** Writes a Status as the response, with `Retry-After` when it asks the client to wait. */
export function writeStatus(res: ServerResponse, status: Status): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined) res.setHeader('Retry-After', String(retry));
  writeJson(res, status.code, status);
}
