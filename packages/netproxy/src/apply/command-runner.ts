import { spawn } from 'node:child_process';

/** What a finished process reported. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one program with an argument array and optional stdin, never through
 * a shell. Injected into appliers so tests can record the exact arguments.
 */
export type CommandRunner = (command: string, args: readonly string[], stdin?: string) => Promise<CommandResult>;

/** The real runner: `child_process.spawn(command, args)`; rule text goes on stdin. */
export const spawnRunner: CommandRunner = (command, args, stdin) =>
  new Promise((resolve, reject) => {
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
  });

const namespaceRe = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A runner that runs every command inside network namespace `namespace`
 * (`ip netns exec <namespace> <command> ...`).
 */
export function inNetworkNamespace(namespace: string, runner: CommandRunner = spawnRunner): CommandRunner {
  if (!namespaceRe.test(namespace) || namespace === '.' || namespace === '..') {
    throw new RangeError(
      `network namespace name ${JSON.stringify(namespace)} is invalid: use 1-64 of [A-Za-z0-9_.-] (it names a file under /run/netns)`,
    );
  }
  return (command, args, stdin) => runner('ip', ['netns', 'exec', namespace, command, ...args], stdin);
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
