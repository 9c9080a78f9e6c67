import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

/** What a finished process reported. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a launched process ended: its exit code (128 when killed by a signal) and a readable reason. */
export interface ProcessExit {
  readonly code: number;
  readonly detail: string;
}

/** Extra settings for a launched process. */
export interface LaunchOptions {
  /** Variables set on top of this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A long-lived child started by `CommandRunner.launch`: written to on stdin,
 * answering on stderr (its stdout is discarded).
 *
 * Guarantees: the `onExit` listeners run once, also when the program could
 * not be started; writes after the child has gone are dropped (the exit
 * reports it).
 */
export interface LaunchedProcess {
  /** Writes `text` to the child's stdin. */
  write(text: string): void;
  /** Closes the child's stdin: a program reading it to the end then exits. */
  end(): void;
  /** Kills the child with SIGKILL. */
  kill(): void;
  /** Registers a listener for the child's stderr text, chunk by chunk, in order. */
  onStderr(listener: (text: string) => void): void;
  /** Registers a listener for the child's end. */
  onExit(listener: (exit: ProcessExit) => void): void;
  /** Whether the child (and its pipes) keep Node's event loop alive; launched children start not keeping it. */
  keepAlive(alive: boolean): void;
}

/** Starts a long-lived program with an argument array, never through a shell. */
export type Launcher = (command: string, args: readonly string[], options?: LaunchOptions) => LaunchedProcess;

/**
 * Runs one program with an argument array and optional stdin, never through
 * a shell. Injected into appliers so tests can record the exact arguments.
 * A runner may also `launch` long-lived programs in the same place (same
 * host or namespace); callers fall back to one-shot runs when it cannot.
 */
export type CommandRunner = ((command: string, args: readonly string[], stdin?: string) => Promise<CommandResult>) & {
  readonly launch?: Launcher;
};

/** `child_process.spawn` with stdin and stderr piped, unref'd until asked to keep Node alive. */
const spawnLaunch: Launcher = (command, args, options = {}) => {
  const child = spawn(command, [...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: options.env ? { ...process.env, ...options.env } : undefined,
  });
  child.stderr.setEncoding('utf8');
  // The exit listeners would otherwise run twice for a program that cannot start ('error', then 'close').
  let exit: ProcessExit | undefined;
  const exitListeners: ((exit: ProcessExit) => void)[] = [];
  const finish = (ended: ProcessExit) => {
    if (exit) return;
    exit = ended;
    for (const listener of exitListeners) listener(ended);
  };
  child.on('error', (err) => finish({ code: 127, detail: `could not run ${command}: ${err.message}` }));
  child.on('close', (code, signal) =>
    finish({ code: code ?? 128, detail: signal ? `killed by ${signal}` : `exited with code ${code}` }),
  );
  // Writing to a child that has just died fails with EPIPE; its exit is what gets reported.
  child.stdin.on('error', () => {});
  const pipes = [child.stdin, child.stderr].filter((s): s is Socket => s instanceof Socket);
  const keepAlive = (alive: boolean) => {
    for (const target of [child, ...pipes]) {
      if (alive) target.ref();
      else target.unref();
    }
  };
  keepAlive(false);
  return {
    write: (text) => {
      if (!exit) child.stdin.write(text);
    },
    end: () => child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
    onStderr: (listener) => child.stderr.on('data', listener),
    onExit: (listener) => {
      if (exit) listener(exit);
      else exitListeners.push(listener);
    },
    keepAlive,
  };
};

/** The real runner: `child_process.spawn(command, args)`; rule text goes on stdin. It can `launch`. */
export const spawnRunner: CommandRunner = Object.assign(
  (command: string, args: readonly string[], stdin?: string) =>
    new Promise<CommandResult>((resolve, reject) => {
      const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => stdout.push(b));
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.on('error', reject);
      // A tool that exits early (bad first line) closes stdin: the rest of the write fails with EPIPE, which is not the error to report.
      child.stdin.on('error', () => {});
      child.on('close', (code, signal) =>
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString() + (signal ? `killed by ${signal}` : ''),
        }),
      );
      child.stdin.end(stdin ?? '');
    }),
  { launch: spawnLaunch },
);

const namespaceRe = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A runner that runs every command inside network namespace `namespace`
 * (`ip netns exec <namespace> <command> ...`). It can `launch` exactly when
 * `runner` can, and launches in the same namespace.
 */
export function inNetworkNamespace(namespace: string, runner: CommandRunner = spawnRunner): CommandRunner {
  if (!namespaceRe.test(namespace) || namespace === '.' || namespace === '..') {
    throw new RangeError(
      `network namespace name ${JSON.stringify(namespace)} is invalid: use 1-64 of [A-Za-z0-9_.-] (it names a file under /run/netns)`,
    );
  }
  const inside = (command: string, args: readonly string[]) => ['netns', 'exec', namespace, command, ...args];
  const run = (command: string, args: readonly string[], stdin?: string) => runner('ip', inside(command, args), stdin);
  const launch = runner.launch;
  if (!launch) return run;
  return Object.assign(run, {
    launch: (command: string, args: readonly string[], options?: LaunchOptions) =>
      launch('ip', inside(command, args), options),
  });
}

/** A rule-loading tool failed. The next sync must be a full one: the kernel may hold neither old nor new rules. */
export class ApplyError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(
      `${command} ${args.join(' ')} failed with exit code ${exitCode}: ${stderr.trim() || '(no output)'}; ` +
        'fix the cause (the rule text or the tool) and sync again without `previous` (a full resync)',
    );
    this.name = 'ApplyError';
  }
}

/** Runs a command and throws `ApplyError` (with its stderr) unless it exits 0. */
export async function runChecked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  stdin?: string,
): Promise<CommandResult> {
  const result = await runner(command, args, stdin);
  if (result.code !== 0) throw new ApplyError(command, args, result.code, result.stderr);
  return result;
}
