import type { Duplex, Readable, Writable } from 'node:stream';

/** A terminal's size in character cells, as a TTY resize carries it. */
export interface TerminalSize {
  width: number;
  height: number;
}

/** Which of a process's streams to connect (CRI `AttachRequest`). */
export interface AttachRequest {
  /** Connect the caller's stdin; absent = the process reads end-of-file. */
  stdin?: boolean;
  /** Default true. */
  stdout?: boolean;
  /** Default true; with `tty` the terminal merges stderr into stdout, so `stderr` stays empty. */
  stderr?: boolean;
  /** Allocate a terminal: one output stream, resizable. */
  tty?: boolean;
}

/** A command to run in a running container with connected streams (CRI `ExecRequest`). */
export interface ExecRequest extends AttachRequest {
  cmd: string[];
}

/**
 * A running exec or attach session. Its output streams apply backpressure:
 * a reader that stops reading stops the process's output at the runtime
 * (nothing is buffered beyond each stream's high-water mark).
 */
export interface StreamSession {
  /** The process's stdin (absent unless requested); `end()` closes it. */
  readonly stdin?: Writable;
  /** The process's stdout (with a TTY, the terminal's output). Ends when the process closes it. */
  readonly stdout: Readable;
  /** The process's stderr; empty with a TTY. */
  readonly stderr: Readable;
  /** Resizes the session's terminal; a no-op without a TTY. */
  resize(size: TerminalSize): Promise<void>;
  /**
   * The exec'd process's exit code once it has exited (attach: the
   * container's, or -1 when the session was closed before it exited).
   */
  readonly exitCode: Promise<number>;
  /**
   * Ends the session: an exec'd process still running is killed (so a
   * client that goes away leaves nothing behind); an attach only detaches.
   * Idempotent; resolves once the runtime released its side.
   */
  close(): Promise<void>;
}

/** Options for `streamContainerStats`. */
export interface StatsStreamOptions {
  /** Ends the stream. */
  signal?: AbortSignal;
  /** Time between samples where the runtime lets the caller choose (FakeRuntime); Docker samples every second. Default 1 s. */
  intervalMs?: number;
}

/** A byte stream to a port in a pod's network namespace (CRI `PortForward`); `end()` half-closes. */
export type PortStream = Duplex;
