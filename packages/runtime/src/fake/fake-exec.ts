import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import type { Clock, TimerHandle } from '@flotilla/core';
import type { ExecSyncResponse } from '../cri/messages.js';
import type { AttachRequest, StreamSession, TerminalSize } from '../cri/streaming.js';
import { execKey } from './container-script.js';
import { simulateCommand } from './shell-command.js';

/** What a scripted exec handler (`FakeRuntime.onExec`) gets: the command and the session's streams. */
export interface FakeExecIO {
  cmd: string[];
  tty: boolean;
  /** What the client writes; ends when it closes stdin (at once when stdin was not requested). */
  stdin: Readable;
  /** Honour `write()`'s return value (wait for `drain`): the session applies backpressure. */
  stdout: Writable;
  /** With a TTY, the same stream as `stdout`. */
  stderr: Writable;
  /** Aborts when the session is closed (the process is killed). */
  signal: AbortSignal;
  /** Terminal sizes received so far, the latest last. */
  sizes: TerminalSize[];
}

/** A scripted exec'd process: resolves with its exit code. */
export type FakeExecHandler = (io: FakeExecIO) => Promise<number> | number;

/** Exit status of a process killed because its session closed (SIGKILL). */
const KILLED_EXIT = 137;
/** Per-stream buffer of a session's output: a reader that stops reading stops the writer. */
const STREAM_HIGH_WATER_MARK = 64 * 1024;

/**
 * One FakeRuntime exec session around a handler. `live` counts the sessions
 * whose process has not ended, so tests can see that nothing is left behind.
 */
export class FakeStreamSession implements StreamSession {
  readonly stdin?: Writable;
  readonly stdout = new PassThrough({ highWaterMark: STREAM_HIGH_WATER_MARK });
  readonly stderr: PassThrough;
  readonly exitCode: Promise<number>;
  private readonly input = new PassThrough();
  private readonly stop = new AbortController();
  private readonly sizes: TerminalSize[] = [];

  constructor(cmd: string[], request: AttachRequest, handler: FakeExecHandler, onEnd: () => void) {
    const tty = request.tty ?? false;
    this.stderr = tty ? new PassThrough() : new PassThrough({ highWaterMark: STREAM_HIGH_WATER_MARK });
    if (request.stdin) this.stdin = this.input;
    else this.input.end();
    const io: FakeExecIO = {
      cmd,
      tty,
      stdin: this.input,
      stdout: this.stdout,
      stderr: tty ? this.stdout : this.stderr,
      signal: this.stop.signal,
      sizes: this.sizes,
    };
    const killed = new Promise<number>((resolve) =>
      this.stop.signal.addEventListener('abort', () => resolve(KILLED_EXIT), { once: true }),
    );
    this.exitCode = Promise.race([Promise.resolve().then(() => handler(io)), killed])
      .catch(() => 1)
      .then((code) => {
        this.stdout.end();
        this.stderr.end();
        this.input.destroy();
        onEnd();
        return code;
      });
  }

  async resize(size: TerminalSize): Promise<void> {
    this.sizes.push({ ...size });
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.exitCode;
  }
}

/**
 * The process FakeRuntime runs for an exec command, in this order: a
 * handler set with `onExec`; `cat` (copies stdin to stdout until stdin
 * ends); a scripted `ExecSyncResponse`; a command `simulateCommand`
 * understands (output and exit on the clock, `$HOSTNAME` and the
 * container's env expanded); otherwise exit 0 with no output, as `execSync`.
 */
export function fakeExecProgram(
  cmd: string[],
  scripted: ExecSyncResponse | undefined,
  env: Record<string, string>,
  clock: Clock,
): FakeExecHandler {
  if (cmd.length === 1 && (cmd[0] === 'cat' || cmd[0].endsWith('/cat'))) {
    return (io) =>
      new Promise<number>((resolve) => {
        io.stdin.pipe(io.stdout, { end: false });
        io.stdin.once('end', () => resolve(0));
      });
  }
  if (scripted) {
    return (io) => {
      io.stdout.write(scripted.stdout);
      io.stderr.write(scripted.stderr);
      return scripted.exitCode;
    };
  }
  const run = simulateCommand(cmd, env);
  if (!run) return () => 0;
  return (io) =>
    new Promise<number>((resolve) => {
      const timers: TimerHandle[] = [];
      const at = (ms: number, fn: () => void) => (ms === 0 ? fn() : timers.push(clock.setTimeout(fn, ms)));
      for (const line of run.output)
        at(line.atMs, () => (line.stream === 'stderr' ? io.stderr : io.stdout).write(`${line.text}\n`));
      if (run.runMs !== undefined) at(run.runMs, () => resolve(run.exitCode));
      io.signal.addEventListener('abort', () => {
        for (const t of timers) t.cancel();
      });
    });
}

/** The key a handler is registered under: one container's one command. */
export function execHandlerKey(containerId: string, cmd: string[]): string {
  return `${containerId}\u0000${execKey(cmd)}`;
}

/**
 * A connection to a simulated listener: reads one HTTP request and answers
 * it with `status` and a body naming the address, then ends (what the
 * FakeRuntime's scripted ports answer, as they do for probes).
 */
export function fakeHttpConnection(address: string, status: number): Duplex {
  let request = '';
  let answered = false;
  const connection: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      request += chunk.toString('latin1');
      if (!answered && request.includes('\r\n\r\n')) {
        answered = true;
        const body = `fake listener ${address}\n`;
        connection.push(
          `HTTP/1.1 ${status} ${status < 400 ? 'OK' : 'Error'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        connection.push(null);
      }
      done();
    },
  });
  return connection;
}
