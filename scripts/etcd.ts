/**
 * Starts a real etcd (Debian's `etcd` binary) for tests, examples and
 * benchmarks: one member or a three-member cluster on 127.0.0.1, on free
 * ports, with temporary data directories.
 *
 * Guarantees:
 * - `startEtcd` resolves only once every member answers `/health`; it rejects
 *   with etcd's own output when a member exits or never becomes healthy.
 * - No process is left behind: `stop()` kills every member, and members still
 *   running when this Node process exits are killed on the way out.
 * - Processes are spawned with argument arrays, never through a shell.
 *
 * Caveats:
 * - Free ports are found by binding port 0 and releasing it; another process
 *   could take one in between (then startup fails loudly rather than hangs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options for `startEtcd`. */
export interface StartEtcdOptions {
  /** 1 for a single member, 3 for a quorum cluster. Default 1. */
  members?: 1 | 3;
  /** A directory to keep member data in (kept on stop). Default: a temp dir, removed on stop. */
  dataDir?: string;
  /** The etcd binary. Default `etcd` from PATH. */
  binary?: string;
  /** How long to wait for health, in milliseconds. Default 30,000. */
  startTimeoutMs?: number;
}

/** A running etcd started by `startEtcd`. */
export interface EtcdHandle {
  /** Client URLs, one per member, e.g. `http://127.0.0.1:23790`. */
  readonly endpoints: string[];
  /** SIGKILLs one member (a crash, not a graceful stop) and waits for it to exit. */
  kill(memberIndex: number): Promise<void>;
  /** Starts a killed member again on its old ports and data, and waits until it is healthy. */
  restart(memberIndex: number): Promise<void>;
  /** Kills every member and removes temporary data. Safe to call twice. */
  stop(): Promise<void>;
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  process?: ChildProcess;
  /** The last lines etcd printed, for error messages. */
  output: string[];
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Kills the members when this process ends: on normal exit, and on SIGINT or
 * SIGTERM, where Node would otherwise die without running exit handlers. The
 * signal is then raised again so that the process still ends as it would have.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (process.listenerCount(signal) > 0) continue; // Someone else decides how this process ends; 'exit' still fires.
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const url = (port: number) => `http://127.0.0.1:${port}`;

function memberArgs(member: Member, cluster: Member[]): string[] {
  return [
    '--name',
    member.name,
    '--data-dir',
    member.dataDir,
    '--listen-client-urls',
    url(member.clientPort),
    '--advertise-client-urls',
    url(member.clientPort),
    '--listen-peer-urls',
    url(member.peerPort),
    '--initial-advertise-peer-urls',
    url(member.peerPort),
    '--initial-cluster',
    cluster.map((m) => `${m.name}=${url(m.peerPort)}`).join(','),
    '--initial-cluster-state',
    'new',
    '--initial-cluster-token',
    `flotilla-test-${process.pid}`,
    '--logger',
    'zap',
    '--log-level',
    'warn',
  ];
}

function spawnMember(binary: string, member: Member, cluster: Member[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, memberArgs(member, cluster), { stdio: ['ignore', 'ignore', 'pipe'] });
    member.output = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      member.output.push(...chunk.split('\n').filter(Boolean));
      member.output.splice(0, Math.max(0, member.output.length - 20));
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      running.delete(child);
      reject(
        err.code === 'ENOENT'
          ? new Error(`etcd not found (looked for "${binary}" on PATH): run scripts/setup-host.sh`)
          : err,
      );
    });
    child.once('spawn', () => {
      running.add(child);
      member.process = child;
      resolve();
    });
    child.once('exit', () => running.delete(child));
  });
}

async function waitHealthy(member: Member, deadline: number): Promise<void> {
  for (;;) {
    if (member.process?.exitCode !== null || member.process?.signalCode) {
      throw new Error(`etcd member ${member.name} exited during startup:\n${member.output.join('\n')}`);
    }
    try {
      const res = await fetch(`${url(member.clientPort)}/health`);
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`etcd member ${member.name} not healthy in time; its last output:\n${member.output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killMember(member: Member): Promise<void> {
  const child = member.process;
  member.process = undefined;
  if (!child || child.exitCode !== null || child.signalCode) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

/** Starts etcd on 127.0.0.1 and waits until it is healthy. See the module comment for guarantees. */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdHandle> {
  const count = options.members ?? 1;
  const binary = options.binary ?? 'etcd';
  const timeout = options.startTimeoutMs ?? 30_000;
  const baseDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-etcd-'));
  const ownsDir = options.dataDir === undefined;
  installExitHook();

  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const dataDir = join(baseDir, `member-${i}`);
    mkdirSync(dataDir, { recursive: true });
    members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort(), dataDir, output: [] });
  }

  const stop = async () => {
    await Promise.all(members.map(killMember));
    if (ownsDir) rmSync(baseDir, { recursive: true, force: true });
  };

  try {
    for (const m of members) await spawnMember(binary, m, members);
    const deadline = Date.now() + timeout;
    await Promise.all(members.map((m) => waitHealthy(m, deadline)));
  } catch (err) {
    await stop();
    throw err;
  }

  const member = (i: number) => {
    const m = members[i];
    if (!m) throw new Error(`no etcd member ${i}: this cluster has members 0..${members.length - 1}`);
    return m;
  };
  return {
    endpoints: members.map((m) => url(m.clientPort)),
    kill: (i) => killMember(member(i)),
    async restart(i) {
      const m = member(i);
      await killMember(m);
      await spawnMember(binary, m, members);
      await waitHealthy(m, Date.now() + timeout);
    },
    stop,
  };
}
