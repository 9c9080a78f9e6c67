import type { IncomingMessage } from 'node:http';
import { HttpStatusError } from '../errors/http-status-error.js';

/** kube-apiserver's limit on a request body: 3 MiB. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
}

/**
 * Where a request keeps the body read from it (the audit log's
 * `requestObject`): a member of the request itself rather than a WeakMap
 * entry per request, which the garbage collector handles as an ephemeron.
 */
const BODY = Symbol('requestBody');

/** A request that may carry its body. */
type WithBody = IncomingMessage & { [BODY]?: Buffer };

function keepBody(req: IncomingMessage, body: Buffer): void {
  (req as WithBody)[BODY] = body;
}

/** The body `readBody` read from `req`, if it read one. */
export function requestBodyOf(req: IncomingMessage): Buffer | undefined {
  return (req as WithBody)[BODY];
}

/** One body being read: its chunks so far, and how the read ends. */
class BodyRead {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  data(chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size <= this.limit) {
      this.chunks.push(chunk);
      return;
    }
    this.req.pause();
    this.fail(tooLarge(this.limit));
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    keepBody(this.req, body);
    this.resolve(body);
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  /** The request closed: only a read still waiting for its end fails (an Error captures a stack, so none is made otherwise). */
  closed(): void {
    if (!this.settled)
      this.fail(new HttpStatusError(400, 'BadRequest', 'the client closed the request before its body was read'));
  }
}

/**
 * The body, when the parser has already taken all of it into the request's
 * buffer (a small body arrives with its headers, before the handler reads
 * it): taken at once, without listeners or a promise.
 */
function bufferedBody(req: IncomingMessage, limit: number): Buffer | undefined {
  if (!req.complete || req.readableFlowing !== null || req.listenerCount('data') > 0) return undefined;
  if (req.readableLength > limit) throw tooLarge(limit);
  const body = (req.read() as Buffer | null) ?? Buffer.alloc(0);
  keepBody(req, body);
  return body;
}

/**
 * Reads the whole body, refusing one over `limit` bytes as soon as the
 * declared length or the bytes received pass it (the rest is not read).
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  try {
    const buffered = bufferedBody(req, limit);
    if (buffered) return Promise.resolve(buffered);
  } catch (err) {
    return Promise.reject(err);
  }
  // Stream events rather than an async iterator (a body is a chunk or two, and the iterator's promises cost
  // more than reading it), and a class rather than named closures: the listeners are made on every request.
  return new Promise((resolve, reject) => {
    const read = new BodyRead(req, limit, resolve, reject);
    req
      .on('data', (chunk: Buffer) => read.data(chunk))
      .on('end', () => read.end())
      .on('error', (err: Error) => read.fail(err))
      .on('close', () => read.closed());
  });
}

/** Parses a JSON body into a value; malformed JSON is a 400 naming where parsing stopped. */
export function parseJsonBody(body: Buffer): unknown {
  return parseJsonText(body.toString('utf8'));
}

/** `parseJsonBody` of a body already decoded as UTF-8. */
export function parseJsonText(text: string): unknown {
  if (text.length === 0) throw new HttpStatusError(400, 'BadRequest', 'the request body is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof SyntaxError ? err.message : 'malformed JSON';
    throw new HttpStatusError(400, 'BadRequest', `the request body is not valid JSON: ${detail}`);
  }
}

/** Parses a JSON body that must be an object (every object and option body is). */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  const value = parseJsonText(typeof body === 'string' ? body : body.toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpStatusError(400, 'BadRequest', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
