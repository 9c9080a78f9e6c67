/**
 * The second process of `npm run bench -- apiserver`: an HTTP/1.1 client on
 * keep-alive sockets, driven by the parent over IPC. It knows nothing of
 * Flotilla: it sends what a client library would send and times the answers.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What the parent asks for. */
export type ClientCommand =
  | {
      cmd: 'paced';
      url: string;
      method: 'POST' | 'GET';
      paths: string[];
      /** The bodies to send, or those a `stage` command staged under a name. */
      bodies?: string[] | { staged: string };
      perSecond: number;
      concurrency: number;
    }
  | { cmd: 'stage'; name: string; bodies: string[] }
  | { cmd: 'watch'; url: string; path: string; watchers: number; expect: number }
  | { cmd: 'exit' };

/** What the child answers: latencies in milliseconds, and wall time of the run. */
export interface ClientAnswer {
  latencies: number[];
  elapsedMs: number;
  failures: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
/**
 * Bodies sent ahead of the `paced` command that uses them, by name: the parent then measures its own CPU over
 * the requests alone, not over encoding megabytes of bodies for this channel.
 */
const staged = new Map<string, string[]>();
/** Wall-clock milliseconds with sub-millisecond precision, comparable across the two processes. */
const wallNow = () => performance.timeOrigin + performance.now();

function once(url: string, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = request(`${url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Sends requests at `perSecond` (open loop, at most `concurrency` outstanding) and times each. */
async function paced(c: Extract<ClientCommand, { cmd: 'paced' }>): Promise<ClientAnswer> {
  const latencies: number[] = [];
  let failures = 0;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const start = performance.now();
  const interval = 1000 / c.perSecond;
  const done: Promise<void>[] = [];
  const bodies = c.bodies === undefined || Array.isArray(c.bodies) ? c.bodies : staged.get(c.bodies.staged);
  for (let i = 0; i < c.paths.length; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= c.concurrency) {
      await new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
    }
    inFlight++;
    const t0 = performance.now();
    done.push(
      once(c.url, c.method, c.paths[i]!, bodies?.[i]).then((code) => {
        latencies.push(performance.now() - t0);
        if (code < 200 || code >= 300) failures++;
        inFlight--;
        slotFreed?.();
        slotFreed = undefined;
      }),
    );
  }
  await Promise.all(done);
  return { latencies, elapsedMs: performance.now() - start, failures };
}

/**
 * Opens `watchers` watches on `path` and records, for every event, how long
 * after the parent stamped it (annotation `bench/sent-at`) it arrived.
 */
async function watch(c: Extract<ClientCommand, { cmd: 'watch' }>, ready: () => void): Promise<ClientAnswer> {
  const latencies: number[] = [];
  let open = 0;
  let finished = 0;
  const start = performance.now();
  await new Promise<void>((resolveAll) => {
    for (let w = 0; w < c.watchers; w++) {
      let seen = 0;
      const req = request(`${c.url}${c.path}`, { agent: false }, (res) => {
        open++;
        if (open === c.watchers) ready();
        let partial = '';
        res.on('data', (chunk: Buffer) => {
          const now = wallNow();
          partial += chunk.toString('utf8');
          const lines = partial.split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            const sentAt = /"bench\/sent-at":"([0-9.]+)"/.exec(line)?.[1];
            if (sentAt === undefined) continue;
            latencies.push(now - Number(sentAt));
            seen++;
          }
          if (seen >= c.expect) {
            req.destroy();
            finished++;
            if (finished === c.watchers) resolveAll();
          }
        });
      });
      req.on('error', () => {});
      req.end();
    }
  });
  return { latencies, elapsedMs: performance.now() - start, failures: 0 };
}

process.on('message', async (message: ClientCommand) => {
  if (message.cmd === 'exit') {
    agent.destroy();
    process.exit(0);
  }
  if (message.cmd === 'stage') {
    staged.set(message.name, message.bodies);
    process.send?.({ latencies: [], elapsedMs: 0, failures: 0 });
  }
  if (message.cmd === 'paced') process.send?.(await paced(message));
  if (message.cmd === 'watch') process.send?.(await watch(message, () => process.send?.({ ready: true })));
});
process.send?.({ started: true });
