import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, BadRequestError, InvalidError, NotFoundError, RequestTooLargeError } from '@flotilla/core';
import { parseJob, parseWorker } from './dispatch-requests.js';
import { Dispatcher } from './dispatcher.js';

/** Largest request body accepted: registrations and jobs are small. */
const MAX_BODY_BYTES = 64 * 1024;

/** A running dispatch service. */
export interface DispatchServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLargeError(size, MAX_BODY_BYTES);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequestError('request body is not valid JSON; send a JSON object');
  }
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** Errors as Kubernetes' Status objects: reason, message and, for Invalid, every bad field. */
function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    send(res, err.code, {
      reason: err.reason,
      message: err.message,
      ...(err instanceof InvalidError && { fields: err.fields }),
    });
  } else {
    send(res, 500, { reason: 'InternalError', message: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Routes:
 * - `POST /workers` `{name, cpu, memory, labels?}` registers a worker (201);
 * - `DELETE /workers/<name>` removes it, answering the jobs it took along;
 * - `POST /jobs` `{name, cpu, memory, labels?, requireWorkerLabels?, preferWorkerLabels?, apartFrom?}`
 *   places a job: 201 with its worker, or 409 with the scheduler's reasons when nothing fits;
 * - `GET /jobs` lists placements; `DELETE /jobs/<name>` marks a job done (204).
 */
async function route(dispatcher: Dispatcher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [collection, name, ...rest] = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').filter(Boolean);
  const target = `${req.method} /${collection ?? ''}${name === undefined ? '' : '/<name>'}`;
  if (rest.length > 0) throw new NotFoundError({ resource: 'routes', name: req.url ?? '' });
  switch (target) {
    case 'POST /workers': {
      const worker = parseWorker(await readJson(req));
      dispatcher.registerWorker(worker);
      return send(res, 201, worker);
    }
    case 'DELETE /workers/<name>':
      return send(res, 200, { lostJobs: dispatcher.removeWorker(decodeURIComponent(name ?? '')) });
    case 'POST /jobs': {
      const placement = await dispatcher.submit(parseJob(await readJson(req)));
      return send(res, placement.placed ? 201 : 409, placement);
    }
    case 'GET /jobs':
      return send(res, 200, dispatcher.placements());
    case 'DELETE /jobs/<name>':
      dispatcher.complete(decodeURIComponent(name ?? ''));
      return send(res, 204);
    default:
      throw new NotFoundError({ resource: 'routes', name: target });
  }
}

/** Starts the dispatch service on `host:port` (default 127.0.0.1 and a free port). */
export async function startDispatchServer(options: { host?: string; port?: number } = {}): Promise<DispatchServer> {
  const dispatcher = new Dispatcher();
  const server = createServer((req, res) => {
    route(dispatcher, req, res).catch((err: unknown) => sendError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    dispatcher,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
