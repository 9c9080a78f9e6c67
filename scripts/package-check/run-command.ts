import { execFile } from 'node:child_process';

/** What a finished command printed, and how it exited. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with `args` (an argument array, never through a shell) in
 * `cwd` and resolves with its exit code and output; a command that cannot
 * start rejects.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs a command that must succeed; its output is the error message when it does not. */
export async function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}
