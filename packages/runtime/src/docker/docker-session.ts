import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { StreamSession, TerminalSize } from '../cri/streaming.js';
import { DEMUX_HIGH_WATER_MARK, DockerStreamDemuxer } from './stream-demux.js';

/** How a Docker session ends: what reports the exit code, resizes, and kills what is left on close. */
export interface DockerSessionControl {
  /** Resolves with the exit code once the process has exited (after its output ended). */
  exitCode(): Promise<number>;
  resize(size: TerminalSize): Promise<void>;
  /** Called on `close()` before the socket goes: kills an exec'd process still running (attach: nothing). */
  release(): Promise<void>;
}

/**
 * An exec or attach session over a hijacked Docker connection. Without a
 * TTY the connection carries multiplexed frames, split with backpressure;
 * with a TTY it is the terminal's raw output. `stdin.end()` half-closes the
 * connection, which Docker passes on as end-of-file.
 */
export class DockerStreamSession implements StreamSession {
  readonly stdin?: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exitCode: Promise<number>;
  private closing?: Promise<void>;

  constructor(
    private readonly socket: Duplex,
    tty: boolean,
    stdin: boolean,
    private readonly control: DockerSessionControl,
  ) {
    if (tty) {
      const out = new PassThrough({ highWaterMark: DEMUX_HIGH_WATER_MARK });
      socket.pipe(out);
      this.stdout = out;
      this.stderr = new PassThrough();
      (this.stderr as PassThrough).end();
    } else {
      const demux = new DockerStreamDemuxer();
      socket.pipe(demux);
      this.stdout = demux.stdout;
      this.stderr = demux.stderr;
    }
    // A socket error (the daemon went away) ends the output; the exit code then says what is known.
    socket.on('error', () => socket.destroy());
    if (stdin) this.stdin = socket;
    const ended = new Promise<void>((resolve) => {
      socket.once('end', resolve);
      socket.once('close', resolve);
    });
    this.exitCode = ended.then(() => control.exitCode()).catch(() => -1);
  }

  resize(size: TerminalSize): Promise<void> {
    return this.control.resize(size);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.control.release().catch(() => {});
      this.socket.destroy();
      await this.exitCode;
    })();
    return this.closing;
  }
}

/** Session control for `docker exec`: the exit code from inspecting the exec, a kill of its process on close. */
export function execControl(exec: Docker.Exec, sleep: (ms: number) => Promise<void>): DockerSessionControl {
  // Polls the exec's record (about a second at most) until `ready` holds: Docker records an exit,
  // and a started process's pid, a moment after the fact.
  const inspectUntil = async (ready: (info: Docker.ExecInspectInfo) => boolean): Promise<Docker.ExecInspectInfo> => {
    for (let i = 0; ; i++) {
      const info = await exec.inspect();
      if (ready(info) || i >= 50) return info;
      await sleep(20);
    }
  };
  return {
    exitCode: async () => (await inspectUntil((info) => !info.Running)).ExitCode ?? -1,
    resize: async ({ width, height }) => {
      await exec.resize({ w: width, h: height });
    },
    release: async () => {
      // A Running exec can still show pid 0 just after it started.
      const info = await inspectUntil((i) => !i.Running || i.Pid > 0);
      // Docker has no API to end an exec'd process; its Pid is a host pid, and the agent runs on the daemon's host.
      // `Running` can already read false while the process lives on (the attach stream is what Docker watches),
      // so the pid is checked against the exec's own command line instead, which also guards against a reused pid.
      if (
        info.Pid > 0 &&
        (await runsCommand(info.Pid, [info.ProcessConfig.entrypoint, ...info.ProcessConfig.arguments]))
      )
        process.kill(info.Pid, 'SIGKILL');
    },
  };
}

/** Session control for `docker attach`: the container's exit code when it exits, detach only on close. */
export function attachControl(container: Docker.Container): DockerSessionControl {
  return {
    exitCode: async () => {
      const info = await container.inspect();
      return info.State.Running ? -1 : info.State.ExitCode;
    },
    resize: async ({ width, height }) => {
      await container.resize({ w: width, h: height });
    },
    release: async () => {},
  };
}

/** Whether host process `pid` runs exactly `argv` (read from /proc; false when it is gone). */
async function runsCommand(pid: number, argv: readonly string[]): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline === `${argv.join('\0')}\0`;
}
