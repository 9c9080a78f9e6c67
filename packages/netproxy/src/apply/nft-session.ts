import { randomBytes } from 'node:crypto';
import { type Clock, type Logger, RealClock, silentLogger } from '@flotilla/core';
import { ApplyError, type LaunchedProcess, type Launcher } from './command-runner.js';

/** Options for `NftSession`. */
export interface NftSessionOptions {
  /** Where `nft -i` runs: a runner's `launch` (`spawnRunner.launch`, or that of `inNetworkNamespace(ns)`). */
  readonly launch: Launcher;
  /** Times the answer to each line; default the wall clock. */
  readonly clock?: Clock;
  /** A line not answered within this time fails and its child is killed; default 30,000 ms. */
  readonly timeoutMs?: number;
  /**
   * A child that has been sent this many characters is replaced by a new
   * one after its current line: `nft -i` keeps every line in its in-memory
   * history, so a child used forever would grow without bound. Default 16 Mi.
   */
  readonly recycleAfterChars?: number;
  readonly logger?: Logger;
}

/** What `nft -i` is told, as an argument array. */
const NFT_INTERACTIVE: readonly string[] = ['-i'];

/**
 * `nft -i` reads `$HOME/.nft.history` at start and appends every line to it
 * at exit: `/dev/null` is never a directory, so neither happens (the file
 * would grow by every script sent). The C locale keeps the error text that
 * is parsed here in English.
 */
const NFT_ENV: Readonly<Record<string, string>> = { HOME: '/dev/null', LC_ALL: 'C' };

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RECYCLE_AFTER_CHARS = 16 * 1024 * 1024;

/** The line in flight and how to settle it. */
interface Pending {
  readonly marker: RegExp;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** One `nft -i` child and what it has said since its last answer. */
interface Child {
  readonly process: LaunchedProcess;
  stderr: string;
  sent: number;
  pending?: Pending;
  /** Set when the session killed the child for not answering in time. */
  timedOut?: number;
}

/**
 * A long-lived `nft -i` child that applies nftables scripts, one line (one
 * atomic transaction) at a time. It exists for speed: every `nft -f`
 * process that deletes anything pays, when it closes its netlink socket at
 * exit, for the kernel to wait out an RCU grace period (about 15 ms, against
 * 3-4 ms for the whole change through a living child).
 *
 * How an answer is read: after each line the session sends `list table ip
 * <marker>` for a table that does not exist; nft's error about it on stderr
 * marks the end of the line's output. Anything nft wrote before it that
 * holds `Error:` means the line was refused, and nothing of it committed.
 *
 * Guarantees: lines run one at a time in call order (a queue); the child
 * starts on the first line; a line fails with `ApplyError` carrying nft's
 * stderr when nft refuses it, when the child dies while it is in flight, or
 * when no answer comes within `timeoutMs` (the child is then killed); the
 * next line after a death starts a new child. An idle child does not keep
 * Node alive.
 *
 * Caveats: one child per session, for as long as the session is used
 * (`close()` ends it; a later line starts a new one). Lines queued behind a
 * failed one still run: a caller that needs them to depend on it (partial
 * syncs do) must stop sending partial lines after a failure, as the
 * Proxier does by syncing in full next.
 */
export class NftSession {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly recycleAfter: number;
  /** Keeps each marker unique to this session, so no table anyone made can answer for it. */
  private readonly id = randomBytes(4).toString('hex');
  private lines = 0;
  private child: Child | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NftSessionOptions) {
    this.clock = options.clock ?? new RealClock();
    this.log = (options.logger ?? silentLogger()).child({ component: 'nft-session' });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.recycleAfter = options.recycleAfterChars ?? DEFAULT_RECYCLE_AFTER_CHARS;
  }

  /**
   * Applies `line`, nft commands separated by `;` (see `nftOneLine`), as
   * one transaction; resolves once nft has committed it.
   */
  run(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) {
      return Promise.reject(
        new RangeError('an nft session takes one line per transaction: join the script with nftOneLine first'),
      );
    }
    return this.enqueue(() => this.exchange(line));
  }

  /** Ends the child after the lines already queued (closing its stdin; killing it if it has not exited in `timeoutMs`). */
  close(): Promise<void> {
    return this.enqueue(async () => {
      const child = this.child;
      this.child = undefined;
      if (child) await this.retire(child);
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private start(): Child {
    const child: Child = {
      process: this.options.launch('nft', NFT_INTERACTIVE, { env: NFT_ENV }),
      stderr: '',
      sent: 0,
    };
    child.process.onStderr((text) => {
      child.stderr += text;
      this.settle(child);
    });
    child.process.onExit((exit) => {
      if (this.child === child) this.child = undefined;
      const pending = child.pending;
      child.pending = undefined;
      if (!pending) {
        this.log.debug({ exit }, 'nft session child ended while idle');
        return;
      }
      const why = child.timedOut ? `no answer within ${child.timedOut} ms, so it was killed` : exit.detail;
      pending.reject(new ApplyError('nft', NFT_INTERACTIVE, exit.code, `${child.stderr}(nft -i ${why})`));
    });
    return child;
  }

  private async exchange(line: string): Promise<void> {
    this.child ??= this.start();
    const child = this.child;
    const marker = `flotilla-sync-${this.id}-${++this.lines}`;
    const timeoutMs = this.timeoutMs;
    const timer = this.clock.setTimeout(() => {
      child.timedOut = timeoutMs;
      child.process.kill();
    }, timeoutMs);
    child.process.keepAlive(true);
    try {
      await new Promise<void>((resolve, reject) => {
        // The marker's error: nft's message line, the command echoed, and carets under the unknown name.
        child.pending = { marker: new RegExp(`[^\\n]*\\nlist table ip ${marker}\\n *\\^+\\n`), resolve, reject };
        const text = `${line}\nlist table ip ${marker}\n`;
        child.sent += text.length;
        child.process.write(text);
        this.settle(child);
      });
    } finally {
      timer.cancel();
      child.process.keepAlive(false);
      if (this.child === child && child.sent >= this.recycleAfter) {
        this.child = undefined;
        void this.retire(child);
      }
    }
  }

  /** Settles the line in flight once its marker has been answered. */
  private settle(child: Child): void {
    const pending = child.pending;
    const found = pending?.marker.exec(child.stderr);
    if (!pending || !found) return;
    const output = child.stderr.slice(0, found.index);
    child.stderr = child.stderr.slice(found.index + found[0].length);
    child.pending = undefined;
    if (output.includes('Error:')) {
      // `nft -f` exits 1 for the same refusal.
      pending.reject(new ApplyError('nft', NFT_INTERACTIVE, 1, output));
      return;
    }
    if (output.trim() !== '') this.log.warn({ output }, 'nft reported on a committed transaction');
    pending.resolve();
  }

  /** Closes the child's stdin and waits for it to exit, killing it if it takes longer than the timeout. */
  private retire(child: Child): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => child.process.kill(), this.timeoutMs);
      child.process.onExit(() => {
        timer.cancel();
        resolve();
      });
      child.process.end();
    });
  }
}
