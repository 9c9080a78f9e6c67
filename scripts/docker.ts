/**
 * The Docker test harness, shared by @flotilla/runtime's integration tests,
 * the runtime benchmark and the examples.
 *
 * - `ensureDocker()` reuses a dockerd that answers on the socket, or starts
 *   Debian's `dockerd` with its own data root and log file and waits for it.
 *   What this sandbox needs (found by trying): overlay2 works when the kernel
 *   lists `overlay` in /proc/filesystems (vfs otherwise); `--iptables=false`
 *   keeps Docker's rules out of the host tables other tests program, and
 *   `--bridge=none` skips docker0 (DockerRuntime makes its own bridge
 *   network, from a 198.18.0.0/15 test range).
 * - Several processes may share one daemon (tests, benchmarks and examples
 *   run side by side): each `ensureDocker()` registers a user file under
 *   the exec root, and `stop()` stops the daemon only when it is the last
 *   live user and the daemon is one this harness started (its pidfile is
 *   ours), so nobody pulls dockerd from under another process.
 * - `ensureBusyboxImage()` builds `flotilla/busybox:latest` with an import of
 *   a rootfs holding the static `/bin/busybox` and its applet links: no
 *   registry is reachable, so nothing here pulls.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** The local image every test, benchmark and example runs. */
export const BUSYBOX_IMAGE = 'flotilla/busybox:latest';

/** A dockerd the caller can use, and how to let it go. */
export interface DockerDaemon {
  socketPath: string;
  docker: Docker;
  /** True if this `ensureDocker` call started the daemon. */
  startedHere: boolean;
  /**
   * Lets the daemon go: stops it if this harness started it (in any
   * process) and no other live process still uses it; otherwise does nothing.
   */
  stop(): Promise<void>;
}

/** Options for `ensureDocker`. */
export interface EnsureDockerOptions {
  socketPath?: string;
  /** Where a started dockerd keeps images and containers. Default /var/lib/flotilla-docker (kept, so images survive). */
  dataRoot?: string;
  /** How long to wait for a started dockerd to answer. Default 60 s. */
  startTimeoutMs?: number;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function tail(path: string, lines = 30): string {
  if (!existsSync(path)) return '(no log written)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const EXEC_ROOT = '/run/flotilla-docker';
const PID_FILE = join(EXEC_ROOT, 'dockerd.pid');
const USERS_DIR = join(EXEC_ROOT, 'users');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a dockerd this harness started (from its pidfile), if that process still runs dockerd. */
function harnessDaemonPid(): number | undefined {
  const pid = Number(existsSync(PID_FILE) ? readFileSync(PID_FILE, 'utf8').trim() : NaN);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const comm = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '';
  return comm === 'dockerd' ? pid : undefined;
}

/** Marks this process as a user of the daemon; the file is named `<pid>-<uuid>` so dead users can be told apart. */
function registerUser(): string {
  mkdirSync(USERS_DIR, { recursive: true });
  const file = join(USERS_DIR, `${process.pid}-${randomUUID()}`);
  writeFileSync(file, '');
  return file;
}

/** Users whose process still runs (files of dead processes are removed on the way). */
function liveUsers(): string[] {
  if (!existsSync(USERS_DIR)) return [];
  return readdirSync(USERS_DIR).filter((name) => {
    if (alive(Number(name.split('-')[0]))) return true;
    rmSync(join(USERS_DIR, name), { force: true });
    return false;
  });
}

/** The shared `stop`: drop this user; the last live user stops a harness-started daemon and waits for it to exit. */
function releaseDaemon(userFile: string): () => Promise<void> {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    rmSync(userFile, { force: true });
    if (liveUsers().length > 0) return;
    const pid = harnessDaemonPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadline) await delay(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  };
}

/** Reuses a running dockerd or starts one; throws with the daemon's log tail if it cannot start. */
export async function ensureDocker(options: EnsureDockerOptions = {}): Promise<DockerDaemon> {
  const socketPath = options.socketPath ?? '/var/run/docker.sock';
  const docker = new Docker({ socketPath });
  const userFile = registerUser();
  const stop = releaseDaemon(userFile);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  // Another process may be starting the harness daemon right now: wait for it rather than start a second one.
  const starting = harnessDaemonPid() !== undefined;
  const reuseDeadline = Date.now() + (starting ? startTimeoutMs : 0);
  do {
    if (await answers(docker)) return { socketPath, docker, startedHere: false, stop };
    if (starting) await delay(200);
  } while (Date.now() < reuseDeadline);

  const dataRoot = options.dataRoot ?? '/var/lib/flotilla-docker';
  const execRoot = EXEC_ROOT;
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(execRoot, { recursive: true });
  const logPath = join(dataRoot, 'dockerd.log');
  const storageDriver = readFileSync('/proc/filesystems', 'utf8').includes('\toverlay') ? 'overlay2' : 'vfs';
  const logFd = openSync(logPath, 'a');
  const args = [
    `--host=unix://${socketPath}`,
    `--data-root=${dataRoot}`,
    `--exec-root=${execRoot}`,
    `--pidfile=${PID_FILE}`,
    `--storage-driver=${storageDriver}`,
    '--iptables=false',
    '--ip-masq=false',
    '--bridge=none',
  ];
  const child = spawn('dockerd', args, { stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `dockerd exited (${signal ?? code})`;
  });
  child.once('error', (err) => {
    exited = `dockerd could not be spawned: ${err.message} (install docker.io: scripts/setup-host.sh)`;
  });
  child.unref();

  const deadline = Date.now() + startTimeoutMs;
  while (!(await answers(docker))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(userFile, { force: true });
      throw new Error(
        `${exited ?? 'dockerd did not answer in time'} on ${socketPath} (args: ${args.join(' ')}); log tail ${logPath}:\n${tail(logPath)}`,
      );
    }
    await delay(200);
  }
  return { socketPath, docker, startedHere: true, stop };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} failed (${code}): ${err}`))));
  });
}

/**
 * Makes sure `image` exists, building it from the host's static busybox
 * (`apt-get install busybox-static`) when it does not. Returns the image id.
 */
export async function ensureBusyboxImage(docker: Docker, image = BUSYBOX_IMAGE): Promise<string> {
  const existing = await docker
    .getImage(image)
    .inspect()
    .catch(() => undefined);
  if (existing) return existing.Id;
  if (!existsSync('/bin/busybox')) {
    throw new Error('/bin/busybox is missing: install busybox-static (scripts/setup-host.sh) to build the test image');
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'flotilla-busybox-'));
  try {
    for (const dir of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'var/www', 'root']) {
      mkdirSync(join(rootfs, dir), { recursive: true });
    }
    await copyFile('/bin/busybox', join(rootfs, 'bin/busybox'));
    const applets = (await run('/bin/busybox', ['--list'])).split('\n').filter((a) => /^[a-z0-9_.[-]+$/.test(a));
    for (const applet of applets) {
      if (applet !== 'busybox') symlinkSync('busybox', join(rootfs, 'bin', applet));
    }
    const [repo, tag] = image.split(':');
    const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const progress = await docker.importImage(tar.stdout, { repo, tag: tag ?? 'latest' });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())),
    );
    return (await docker.getImage(image).inspect()).Id;
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
