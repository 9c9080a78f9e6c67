import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRuntimeError } from '../../cri/errors.js';
import type { PodLogOptions } from '../container-logs.js';
import type { KubeletBackend } from './kubelet-backend.js';
import { RouteError } from './kubelet-routes.js';

/** A Kubernetes Status body for an error answer. */
export function statusBody(code: number, reason: string, message: string, field?: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(field ? { details: { causes: [{ field, message }] } } : {}),
  });
}

/** The HTTP status and reason an error maps to: bad input 400, missing 404, the rest 500 (without internals). */
export function errorAnswer(err: unknown): { code: number; reason: string; message: string; field?: string } {
  if (err instanceof RouteError) return { code: 400, reason: 'BadRequest', message: err.message, field: err.field };
  if (isRuntimeError(err, 'NotFound')) return { code: 404, reason: 'NotFound', message: err.message };
  if (isRuntimeError(err, 'InvalidArgument')) return { code: 400, reason: 'BadRequest', message: err.message };
  if (isRuntimeError(err, 'Unavailable')) return { code: 503, reason: 'ServiceUnavailable', message: err.message };
  return { code: 500, reason: 'InternalError', message: 'the node agent could not serve the request; see its log' };
}

/** Sends an error as a Status. */
export function sendError(res: ServerResponse, err: unknown): void {
  const { code, reason, message, field } = errorAnswer(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json' }).end(statusBody(code, reason, message, field));
}

const BOOL = (v: string | null) => v === 'true' || v === '1';

/** A non-negative integer query parameter, or a RouteError naming it. */
function count(query: URLSearchParams, key: string): number | undefined {
  const v = query.get(key);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v))
    throw new RouteError(key, `${key}: must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The kubelet's log query (`follow`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`, `previous`, `limitBytes`). */
export function logOptions(query: URLSearchParams): PodLogOptions {
  const sinceTime = query.get('sinceTime');
  const sinceMs = sinceTime ? Date.parse(sinceTime) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) {
    throw new RouteError('sinceTime', `sinceTime: ${JSON.stringify(sinceTime)} is not an RFC 3339 time`);
  }
  const options: PodLogOptions = {
    follow: BOOL(query.get('follow')),
    previous: BOOL(query.get('previous')),
    timestamps: BOOL(query.get('timestamps')),
  };
  const tailLines = count(query, 'tailLines');
  const sinceSeconds = count(query, 'sinceSeconds');
  const limitBytes = count(query, 'limitBytes');
  if (tailLines !== undefined) options.tailLines = tailLines;
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  if (sinceMs !== undefined) options.sinceMs = sinceMs;
  return options;
}

/**
 * Streams a container's log as text/plain: each line and its newline, with
 * backpressure (a slow reader pauses the runtime's stream, nothing piles up
 * here); a client that disconnects aborts a follow.
 */
export async function sendLogs(
  backend: KubeletBackend,
  route: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const stop = new AbortController();
  res.once('close', () => stop.abort());
  const lines = backend.containerLogs(route.namespace, route.pod, route.container, {
    ...logOptions(query),
    signal: stop.signal,
  });
  const iterator = lines[Symbol.asyncIterator]();
  // The first line (or the end) decides the status: a missing container is a 404, not a 200 with nothing.
  let next = await iterator.next();
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  // Lines are gathered into chunks of up to 64 KiB; a follow's lone line goes out on the next turn of the loop.
  let pending: string[] = [];
  let pendingBytes = 0;
  let flushTimer: NodeJS.Immediate | undefined;
  let blocked: Promise<void> | undefined;
  const flush = () => {
    if (flushTimer) clearImmediate(flushTimer);
    flushTimer = undefined;
    if (pending.length === 0 || res.destroyed) return true;
    const chunk = pending.join('');
    pending = [];
    pendingBytes = 0;
    return res.write(chunk);
  };
  while (!next.done && !stop.signal.aborted) {
    const text = next.value.partial ? next.value.text : `${next.value.text}\n`;
    pending.push(text);
    pendingBytes += text.length;
    if (pendingBytes >= LOG_CHUNK_BYTES) {
      if (!flush()) await drained(res);
    } else
      flushTimer ??= setImmediate(() => {
        if (!flush()) blocked = drained(res);
      });
    // A write the loop did not wait for filled the response: wait here, so nothing piles up behind a slow reader.
    if (blocked) {
      await blocked;
      blocked = undefined;
    }
    next = await iterator.next();
  }
  flush();
  await iterator.return?.();
  if (!req.destroyed) res.end();
}

/** Bytes of log text sent in one write. */
const LOG_CHUNK_BYTES = 64 * 1024;

/** Resolves when the response can take more (or is gone), leaving no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
