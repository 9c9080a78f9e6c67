import { type Api, type ConfigMap, UnknownOutcomeError } from '@flotilla/core';

const NAME = 'write-ledger';
const NAMESPACE = 'default';

/**
 * A writer that appends numbered tokens to one ConfigMap's `data.log` with
 * compare-and-swap updates, all through the faults, and keeps what the Api
 * told it about each: acknowledged, refused, or unknown (UnknownOutcomeError,
 * settled by reading the log back). `verify` then compares the log with the
 * acknowledgements: no acknowledged token lost, no token twice, no refused
 * token applied.
 */
export class WriteLedger {
  private readonly acknowledged = new Set<string>();
  /** Tokens the Api said were not written, although a re-read might later show them. */
  private readonly refused = new Set<string>();
  private next = 0;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** The append in flight (or the last one), which `verify` lets finish before it reads. */
  private appending: Promise<void> = Promise.resolve();
  /** Set while `verify` reads: the writer waits on it before its next append. */
  private paused: Promise<void> | undefined;

  constructor(private readonly api: Api) {}

  /** Creates the ledger and starts appending until `stop`. */
  async start(): Promise<void> {
    const client = this.api.resource('ConfigMap');
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: NAME, namespace: NAMESPACE },
      data: { log: '' },
    });
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** How many appends were acknowledged so far. */
  get count(): number {
    return this.acknowledged.size;
  }

  /**
   * What is wrong with the log as stored now; empty when every outcome was
   * exact. The writer pauses between two appends meanwhile: a token
   * acknowledged while the log was being read would otherwise count as lost
   * (the read saw the log before it), and a refusal settled meanwhile as
   * applied (by its retry) would count as refused yet applied.
   */
  async verify(): Promise<string[]> {
    let resume: () => void = () => undefined;
    this.paused = new Promise((resolve) => {
      resume = resolve;
    });
    try {
      await this.appending;
      return this.compare(await this.readLog());
    } finally {
      this.paused = undefined;
      resume();
    }
  }

  private compare(log: string[]): string[] {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const token of log) seen.set(token, (seen.get(token) ?? 0) + 1);
    for (const [token, n] of seen) if (n > 1) problems.push(`token ${token} applied ${n} times`);
    for (const token of this.acknowledged) if (!seen.has(token)) problems.push(`acknowledged token ${token} lost`);
    for (const token of this.refused) if (seen.has(token)) problems.push(`token ${token} refused but applied`);
    return problems;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) await this.paused;
      this.appending = this.append(`t${this.next++}`);
      await this.appending;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Appends `token` once: retries refusals from a fresh read, and settles unknown outcomes by reading back. */
  private async append(token: string): Promise<void> {
    const client = this.api.resource('ConfigMap');
    for (;;) {
      let current: ConfigMap;
      try {
        current = await client.get(NAMESPACE, NAME);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const log = current.data?.log ?? '';
      if (log.split(',').includes(token)) {
        // An earlier attempt did apply: fine after an unknown outcome, a
        // violation after a refusal (it stays in `refused` for `verify`).
        this.acknowledged.add(token);
        return;
      }
      try {
        await client.update({ ...current, data: { log: log ? `${log},${token}` : token } });
        this.acknowledged.add(token);
        this.refused.delete(token);
        return;
      } catch (err) {
        // Any other failure must mean "not written": remember it, so a later read that finds it is reported.
        if (!(err instanceof UnknownOutcomeError)) this.refused.add(token);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private async readLog(): Promise<string[]> {
    const current = await this.api.resource('ConfigMap').get(NAMESPACE, NAME);
    const log = current.data?.log ?? '';
    return log ? log.split(',') : [];
  }
}
