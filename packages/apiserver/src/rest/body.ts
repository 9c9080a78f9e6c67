import type { IncomingMessage } from 'node:http';
import { HttpStatusError } from '../errors/http-status-error.js';

/** kube-apiserver's limit on a request body: 3 MiB. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
}

/**
 * Reads the whole body, refusing one over `limit` bytes as soon as the
 * declared length or the bytes received pass it (the rest is not read).
 */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Parses a JSON body into a value; malformed JSON is a 400 naming where parsing stopped. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new HttpStatusError(400, 'BadRequest', 'the request body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    const detail = err instanceof SyntaxError ? err.message : 'malformed JSON';
    throw new HttpStatusError(400, 'BadRequest', `the request body is not valid JSON: ${detail}`);
  }
}

/** Parses a JSON body that must be an object (every object and option body is). */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const value = parseJsonBody(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpStatusError(400, 'BadRequest', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
