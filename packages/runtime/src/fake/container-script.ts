import type { ExecSyncResponse } from '../cri/messages.js';

/** One run of a scripted container, from start to exit. */
export interface ScriptedRun {
  /** How long the process runs before it exits by itself; absent = until stopped. */
  runMs?: number;
  /** Exit code when it exits by itself (default 0). */
  exitCode?: number;
  /** Exit as if the kernel's OOM killer ended it (exit code 137, reason OOMKilled). */
  oomKilled?: boolean;
  /** Lines written to stdout when the run starts. */
  logs?: string[];
}

/** Resource usage a scripted container reports while running. */
export interface ScriptedUsage {
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

/**
 * How the containers of one image behave in FakeRuntime. The run for restart
 * attempt `n` is `runs[min(n, runs.length - 1)]`, so `runs: [{ runMs: 1000,
 * exitCode: 1 }]` is a crash loop and `[{ runMs: 5, exitCode: 1 }, {}]` fails
 * once and then stays up. Without `runs`, the top-level run fields apply.
 */
export interface ContainerScript extends ScriptedRun {
  runs?: ScriptedRun[];
  /** Results of `execSync` by command (joined with spaces); unscripted commands succeed with no output. */
  exec?: Record<string, ExecSyncResponse>;
  /** Ports that accept connections, with the HTTP status they answer (200..399 = healthy). */
  listen?: Record<number, number>;
  usage?: ScriptedUsage;
  /** The process ignores SIGTERM, so stopping it takes the whole grace period (then SIGKILL, 137). */
  ignoresSigterm?: boolean;
}

/** The command key under which exec results are scripted. */
export function execKey(cmd: string[]): string {
  return cmd.join(' ');
}
