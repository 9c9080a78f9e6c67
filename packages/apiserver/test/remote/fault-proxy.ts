import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type FaultAction =
  | 'forward'
  /** Take the request and never answer. */
  | 'stall'
  /** Forward it, let the server act, then cut the connection before the answer reaches the client. */
  | 'lose-answer'
  /** Forward it and pass the answer's headers on, then nothing more (a stream gone silent). */
  | 'stall-body'
  /** Answer this status at once, without reaching the server. */
  | { status: number; reason: string; retryAfterSeconds?: number };

/** One request the proxy saw. */
export interface SeenRequest {
  method: string;
  url: string;
  contentType?: string;
  accept?: string;
  /** The body as sent, once it has been read (forwarded requests). */
  body?: string;
}

/**
 * An HTTP proxy on loopback in front of an ApiServer that counts every
 * request and injects faults per request: answers of its own (429 storms),
 * stalls, and answers lost after the server acted (a connection reset
 * mid-write).
 */
export async function faultProxy(upstream: string) {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const stalled: ServerResponse[] = [];
  const agent = new Agent({ keepAlive: true });
  let decide: (req: IncomingMessage, index: number) => FaultAction = () => 'forward';

  const server = createServer((req, res) => {
    const entry: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
    };
    const index = seen.push(entry) - 1;
    const action = decide(req, index);
    if (action === 'stall') {
      stalled.push(res);
      return;
    }
    if (typeof action === 'object') {
      req.resume();
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (action.retryAfterSeconds !== undefined) headers['Retry-After'] = String(action.retryAfterSeconds);
      res.writeHead(action.status, headers);
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `injected ${action.status}`,
          reason: action.reason,
          code: action.status,
        }),
      );
      return;
    }
    const up = request(`${upstream}${req.url}`, { method: req.method, headers: req.headers, agent }, (answer) => {
      if (action === 'lose-answer') {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (action === 'stall-body') {
        res.flushHeaders();
        answer.resume();
        return;
      }
      answer.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    res.on('close', () => up.destroy());
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      entry.body = Buffer.concat(chunks).toString('utf8');
    });
    req.pipe(up);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Requests seen so far whose URL matches. */
    count: (match: RegExp = /./) => seen.filter((r) => match.test(`${r.method} ${r.url}`)).length,
    /** From now on, `fn` decides each request's fate. */
    onRequest(fn: (req: IncomingMessage, index: number) => FaultAction) {
      decide = fn;
    },
    /** Cuts every open connection (client side). */
    cutAll() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const res of stalled) res.destroy();
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Moves a FakeClock forward in `stepMs` steps until `work` settles, giving
 * real I/O a turn (a macrotask) between steps: the client waits on the fake
 * clock while its requests travel over real sockets.
 */
export async function driveClock<T>(
  clock: { step(ms: number): Promise<void> },
  work: Promise<T>,
  stepMs: number,
  maxSteps = 10_000,
): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  for (let i = 0; i < maxSteps && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled) await clock.step(stepMs);
  }
  return done;
}
