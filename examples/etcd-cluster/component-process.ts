import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ComponentEvent } from './roles/role-context.js';

const componentScript = fileURLToPath(new URL('./component.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How long a stopped process gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 10_000;

/**
 * One component running as its own OS process (node with tsx, spawned with
 * an argument array), and the events it has reported so far.
 */
export class ComponentProcess {
  readonly events: ComponentEvent[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly waiters = new Set<() => void>();
  private stderrTail: string[] = [];

  constructor(
    readonly role: string,
    readonly name: string,
    args: readonly string[],
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', componentScript, role, '--name', name, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as ComponentEvent);
      } catch {
        return; // not an event: a stray line from a dependency
      }
      for (const wake of this.waiters) wake();
    });
    // ETCD_CLUSTER_LOG_DIR keeps each process's whole log (LOG_LEVEL sets how much) as <name>.log there.
    const logDir = process.env.ETCD_CLUSTER_LOG_DIR;
    if (logDir) this.child.stderr.pipe(createWriteStream(join(logDir, `${name}.log`), { flags: 'a' }));
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderrTail = [...this.stderrTail.slice(-19), line];
    });
    // Should the starting script exit without stopping it (an uncaught error, process.exit), the child goes too.
    const killOnExit = () => this.child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        process.off('exit', killOnExit);
        resolve(code);
      }),
    );
    this.exited.then(() => {
      for (const wake of this.waiters) wake();
    });
  }

  /** True until the process exits. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves with the first event (past or future) that `match` accepts;
   * rejects if the process exits first or after `timeoutMs`, with the end of
   * its stderr, so a failure says why.
   */
  waitFor<E extends ComponentEvent>(match: (e: ComponentEvent) => e is E, timeoutMs?: number): Promise<E>;
  waitFor(match: (e: ComponentEvent) => boolean, timeoutMs?: number): Promise<ComponentEvent>;
  waitFor(match: (e: ComponentEvent) => boolean, timeoutMs = 60_000): Promise<ComponentEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found) finish(() => resolve(found));
        else if (!this.running) finish(() => reject(this.failure('exited before reporting it')));
      };
      const timer = setTimeout(
        () => finish(() => reject(this.failure(`did not report it within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Forgets the events seen so far, so the next `waitFor` looks only at new ones. */
  clearEvents(): void {
    this.events.length = 0;
  }

  /** A crash: SIGKILL, no chance to release leases or clean up. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop: SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private failure(what: string): Error {
    return new Error(`${this.role} ${this.name} ${what}; its last log lines:\n${this.stderrTail.join('\n')}`);
  }
}
