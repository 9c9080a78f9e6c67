import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one kubectl run printed and how it ended. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The kubectl on PATH, run with argument arrays (never a shell), against one kubeconfig and a fresh cache dir. */
export class Kubectl {
  private constructor(
    private readonly kubeconfig: string,
    /** A discovery cache of its own, so no test sees another's cached discovery. */
    readonly cacheDir: string,
  ) {}

  /** A kubectl with a fresh `--cache-dir`. */
  static async fresh(kubeconfig: string): Promise<Kubectl> {
    return new Kubectl(kubeconfig, await mkdtemp(join(tmpdir(), 'kubectl-cache-')));
  }

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  /** Runs `kubectl <args>` to the end; `input` goes to stdin (for `-f -`). */
  run(args: string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile('kubectl', this.args(args), { timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /** Starts a long-running kubectl (`get -w`); `lines` collects its stdout lines as they arrive. */
  start(args: string[]): {
    child: ChildProcess;
    lines: string[];
    until(match: (line: string) => boolean): Promise<string>;
  } {
    const child = spawn('kubectl', this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        lines.push(line);
        for (const w of waiters.splice(0)) {
          if (w.match(line)) w.resolve(line);
          else waiters.push(w);
        }
      }
    });
    return {
      child,
      lines,
      until: (match) =>
        new Promise((resolve) => {
          const seen = lines.find(match);
          if (seen !== undefined) resolve(seen);
          else waiters.push({ match, resolve });
        }),
    };
  }
}
