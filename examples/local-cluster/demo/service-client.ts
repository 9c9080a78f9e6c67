import { Resolver } from 'node:dns/promises';
import { request } from 'node:http';
import type { Clock } from '@flotilla/core';

/** A host and port to send requests to. */
export interface Address {
  host: string;
  port: number;
}

/** Sends one HTTP GET to `address` and resolves with the body; rejects on any error, non-200 or timeout. */
export function httpGet(address: Address, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address.host, port: address.port, path: '/', agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body.trim()}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The pod name in a simulated web server's answer (`hello from <pod> (<image>)`). */
export function answeringPod(body: string): string {
  return /^hello from (\S+)/.exec(body)?.[1] ?? body.trim();
}

/** What a `RequestLoop` saw. */
export interface TrafficTally {
  ok: number;
  failed: number;
  /** Answers per pod name. */
  byPod: Map<string, number>;
  /** The first few failures' messages. */
  errors: string[];
}

/**
 * Sends requests (from `parallel` clients, each pausing `pauseMs` between
 * requests so the cluster in the same process keeps its share of the CPU)
 * to an address that `addressOf` gives afresh each time, until `stop()`;
 * counts answers by pod and failures. Used to show that a rolling update
 * never drops a request.
 */
export class RequestLoop {
  private readonly tally: TrafficTally = { ok: 0, failed: 0, byPod: new Map(), errors: [] };
  private running = true;
  private readonly clients: Promise<void>[];

  constructor(
    addressOf: () => Address | undefined,
    private readonly clock: Clock,
    { parallel = 2, pauseMs = 10 }: { parallel?: number; pauseMs?: number } = {},
  ) {
    this.clients = Array.from({ length: parallel }, () => this.client(addressOf, pauseMs));
  }

  /** Requests answered so far. */
  answered(): number {
    return this.tally.ok;
  }

  /** Whether pod `name` has answered a request yet. */
  answeredBy(name: string): boolean {
    return this.tally.byPod.has(name);
  }

  /** Stops sending, waits for requests in flight, and returns the tally. */
  async stop(): Promise<TrafficTally> {
    this.running = false;
    await Promise.all(this.clients);
    return this.tally;
  }

  private async client(addressOf: () => Address | undefined, pauseMs: number): Promise<void> {
    while (this.running) {
      try {
        const address = addressOf();
        if (!address) throw new Error('the service has no proxy listener');
        const pod = answeringPod(await httpGet(address));
        this.tally.ok += 1;
        this.tally.byPod.set(pod, (this.tally.byPod.get(pod) ?? 0) + 1);
      } catch (err) {
        this.tally.failed += 1;
        if (this.tally.errors.length < 5) this.tally.errors.push((err as Error).message);
      }
      await this.clock.sleep(pauseMs);
    }
  }
}

/** Resolves `name` (A records) through the DNS server at `server`. */
export async function resolveA(server: Address, name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([`${server.host}:${server.port}`]);
  return resolver.resolve4(name);
}
