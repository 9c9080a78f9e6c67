import { createHash } from 'node:crypto';
import { type Clock, cloneJson, resolveClock, sleepOn, type TimerHandle } from '@flotilla/core';
import { Subject } from 'rxjs';
import { RuntimeError } from '../cri/errors.js';
import { matchesContainerFilter, matchesSandboxFilter } from '../cri/filters.js';
import { normalizeImageRef } from '../cri/image-ref.js';
import { criLabels } from '../cri/labels.js';
import { logWindow } from '../cri/log-window.js';
import type {
  Container,
  ContainerConfig,
  ContainerEventResponse,
  ContainerEventType,
  ContainerFilter,
  ContainerStats,
  ContainerStatsFilter,
  ContainerStatus,
  ExecSyncResponse,
  Image,
  ImageSpec,
  LogLine,
  LogOptions,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  VersionResponse,
} from '../cri/messages.js';
import type { NetworkProber, ProbeOutcome } from '../cri/network-prober.js';
import type { ContainerRuntime } from '../cri/services.js';
import type { AttachRequest, ExecRequest, PortStream, StatsStreamOptions, StreamSession } from '../cri/streaming.js';
import { containerBehaviour, scriptedRun } from './container-behaviour.js';
import { type ContainerScript, execKey, type ScriptedUsage } from './container-script.js';
import {
  execHandlerKey,
  type FakeExecHandler,
  FakeStreamSession,
  fakeExecProgram,
  fakeHttpConnection,
} from './fake-exec.js';
import { IpAllocator } from './ip-allocator.js';
import type { SimulatedCommand } from './shell-command.js';

/** Options for `FakeRuntime`. */
export interface FakeRuntimeOptions {
  /** Every run, stop and timestamp follows this clock. Default: the wall clock (pass the NodeAgent's Api clock to test on a `FakeClock`). */
  clock?: Clock;
  /** The node's pod range; sandboxes get IPs from it. Default `10.244.0.0/24`. */
  podCIDR?: string;
  /** Images present from the start (no pull needed). */
  images?: string[];
  /**
   * Whether to keep every call in `calls` (a test's record). Default true;
   * a long-running simulation (thousands of nodes) turns it off, since the
   * record grows with every pod started and never shrinks.
   */
  recordCalls?: boolean;
}

/** One call FakeRuntime received, in order, so tests can check what happened and when. */
export interface FakeRuntimeCall {
  op:
    | 'runPodSandbox'
    | 'stopPodSandbox'
    | 'removePodSandbox'
    | 'createContainer'
    | 'startContainer'
    | 'stopContainer'
    | 'removeContainer'
    | 'execSync'
    | 'exec'
    | 'attach'
    | 'portForward'
    | 'pullImage';
  /** The sandbox, container or image the call was about. */
  target: string;
  /** Clock time of the call. */
  at: number;
  /** For execSync, the command; for stopContainer, the timeout in seconds. */
  detail?: string;
}

interface FakeSandbox {
  status: PodSandboxStatus;
}

interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
  script: ContainerScript;
  /** The simulated run of the container's command, when it was understood. */
  command?: SimulatedCommand;
  /** The pending exit and log lines of the current run. */
  timers: TimerHandle[];
  logs: LogLine[];
  logWaiters: (() => void)[];
  /** Listening ports and exec answers: absent until the container has one (most never do; a node holds many). */
  listen?: Map<number, number>;
  exec?: Map<string, ExecSyncResponse>;
  usage: ScriptedUsage;
  env: Record<string, string>;
}

/**
 * The caller's copy of a sandbox's list fields. Spelled out field by field:
 * the agent's relist reads every sandbox of its node every second, and a
 * rest-destructure or `structuredClone` there cost several times more.
 */
function sandboxCopy(status: PodSandboxStatus): PodSandbox {
  return {
    id: status.id,
    metadata: { ...status.metadata },
    state: status.state,
    createdAt: status.createdAt,
    labels: { ...status.labels },
    annotations: { ...status.annotations },
  };
}

/** The caller's copy of a container's list fields (see `sandboxCopy` for why field by field). */
function containerCopy(status: ContainerStatus): Container {
  return {
    id: status.id,
    podSandboxId: status.podSandboxId,
    metadata: { ...status.metadata },
    image: { ...status.image },
    imageRef: status.imageRef,
    state: status.state,
    createdAt: status.createdAt,
    labels: { ...status.labels },
    annotations: { ...status.annotations },
  };
}

const SIGTERM_EXIT = 143;
const SIGKILL_EXIT = 137;

/**
 * An in-memory container runtime that implements both CRI services on a
 * Clock. A container runs its command when FakeRuntime understands it
 * (`sleep`, `echo`, `exit N`, `sh -c '...'`: see `simulateCommand`), else
 * for the durations its image's `ContainerScript` gives; an image with
 * neither is a server that runs until stopped and answers on its declared
 * ports (the package README lists the rules). Containers answer exec and probes from
 * scripts and report scripted resource usage; images can be made unpullable.
 *
 * Guarantees: deterministic (ids, IPs and timings depend only on the calls
 * made and the clock); passes the same conformance suite as DockerRuntime.
 *
 * Caveats: a container's script is looked up by image when the container is
 * created; later `script()` calls affect only new containers (use
 * `setExecResult` / `setListening` / `setUsage` to change a live one).
 */
export class FakeRuntime implements ContainerRuntime {
  /** Answers httpGet / tcpSocket probes from the scripted `listen` ports of running containers. */
  readonly network: NetworkProber;
  private readonly clock: Clock;
  private readonly ips: IpAllocator;
  private readonly images = new Map<string, Image>();
  private readonly pullFailures = new Map<string, string>();
  private readonly scripts = new Map<string, ContainerScript>();
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  /** Sandbox and container ids by their pod-uid label: a pod worker's list reads its pod's, not the whole node's. */
  private readonly byPod = new Map<string, Set<string>>();
  private readonly events = new Subject<ContainerEventResponse>();
  private readonly execHandlers = new Map<string, FakeExecHandler>();
  private live = 0;
  private seq = 0;
  /** Every mutating call and exec, in order (a test's record of what the caller did); empty with `recordCalls: false`. */
  readonly calls: FakeRuntimeCall[] = [];
  private readonly recordCalls: boolean;
  /** Pushes CREATED / STARTED / STOPPED / DELETED events as they happen. */
  readonly containerEvents$ = this.events.asObservable();

  constructor(options: FakeRuntimeOptions = {}) {
    this.clock = resolveClock(options.clock);
    this.ips = new IpAllocator(options.podCIDR ?? '10.244.0.0/24');
    this.recordCalls = options.recordCalls ?? true;
    for (const image of options.images ?? []) this.addImage(image);
    this.network = {
      httpGet: async ({ host, port }) => this.probePort(host, port, true),
      tcpSocket: async ({ host, port }) => this.probePort(host, port, false),
    };
  }

  // --- scripting -----------------------------------------------------------

  /** Makes an image present, as if pulled. */
  addImage(image: string, sizeBytes = 1_000_000): void {
    const ref = normalizeImageRef(image);
    const id = `sha256:${createHash('sha256').update(ref).digest('hex')}`;
    this.images.set(ref, { id, repoTags: [ref], repoDigests: [], size: sizeBytes });
  }

  /** Makes pulls of `image` fail with ErrImagePull and this message (until `allowPull`). */
  failPull(image: string, message = 'manifest unknown'): void {
    this.pullFailures.set(normalizeImageRef(image), message);
  }

  /** Lets pulls of `image` succeed again. */
  allowPull(image: string): void {
    this.pullFailures.delete(normalizeImageRef(image));
  }

  /** Sets how containers created from `image` behave. */
  script(image: string, script: ContainerScript): void {
    this.scripts.set(normalizeImageRef(image), script);
  }

  /** Overrides one running container's answer to an exec command. */
  setExecResult(containerId: string, cmd: string[], result: ExecSyncResponse): void {
    const c = this.mustContainer(containerId);
    c.exec ??= new Map();
    c.exec.set(execKey(cmd), result);
  }

  /** Opens (with an HTTP status) or closes (`undefined`) a port of one container. */
  setListening(containerId: string, port: number, httpStatus: number | undefined): void {
    const c = this.mustContainer(containerId);
    if (httpStatus === undefined) c.listen?.delete(port);
    else {
      c.listen ??= new Map();
      c.listen.set(port, httpStatus);
    }
  }

  /**
   * Makes `exec` of `cmd` in one container run `handler` (a scripted
   * process: it reads stdin, writes stdout/stderr with backpressure and
   * resolves with its exit code), instead of the built-in answers.
   */
  onExec(containerId: string, cmd: string[], handler: FakeExecHandler): void {
    this.mustContainer(containerId);
    this.execHandlers.set(execHandlerKey(containerId, cmd), handler);
  }

  /** Exec sessions whose process has not ended yet (a closed session's process is killed, so this drops back). */
  get openSessions(): number {
    return this.live;
  }

  /** Changes the usage one container reports. */
  setUsage(containerId: string, usage: ScriptedUsage): void {
    this.mustContainer(containerId).usage = usage;
  }

  /** Makes a running container exit now, as if its process died (or was OOM-killed). */
  kill(containerId: string, exitCode = SIGKILL_EXIT, oomKilled = false): void {
    const c = this.mustContainer(containerId);
    if (c.status.state === 'CONTAINER_RUNNING') this.exit(c, exitCode, oomKilled);
  }

  /** The config a container was created with (env, mounts, resources), for tests to inspect. */
  containerConfig(containerId: string): ContainerConfig {
    return structuredClone(this.mustContainer(containerId).config);
  }

  // --- RuntimeService ------------------------------------------------------

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.nextId('sandbox');
    this.record('runPodSandbox', id);
    this.sandboxes.set(id, {
      status: {
        id,
        metadata: { ...config.metadata },
        state: 'SANDBOX_READY',
        createdAt: this.clock.now(),
        labels: { ...config.labels },
        annotations: { ...config.annotations },
        network: { ip: this.ips.allocate() },
      },
    });
    this.indexPod(id, config.labels);
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (!sandbox) return;
    this.record('stopPodSandbox', podSandboxId);
    for (const c of this.containersOf(podSandboxId)) {
      if (c.status.state === 'CONTAINER_RUNNING') this.exit(c, SIGKILL_EXIT, false);
    }
    if (sandbox.status.state === 'SANDBOX_READY') this.ips.release(sandbox.status.network.ip);
    sandbox.status.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    if (!this.sandboxes.has(podSandboxId)) return;
    this.record('removePodSandbox', podSandboxId);
    await this.stopPodSandbox(podSandboxId);
    for (const c of this.containersOf(podSandboxId)) await this.removeContainer(c.status.id);
    this.unindexPod(podSandboxId, this.sandboxes.get(podSandboxId)?.status.labels);
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const { status } = this.mustSandbox(podSandboxId);
    return { ...sandboxCopy(status), network: { ...status.network } };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return this.candidates(this.sandboxes, filter?.labelSelector)
      .filter((s) => matchesSandboxFilter(s.status, filter))
      .map(({ status }) => sandboxCopy(status));
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig?: PodSandboxConfig,
  ): Promise<string> {
    const sandbox = this.mustSandbox(podSandboxId);
    if (sandbox.status.state !== 'SANDBOX_READY') {
      throw new RuntimeError('InvalidArgument', `sandbox ${podSandboxId} is not ready; run a new sandbox first`, {
        podSandboxId,
      });
    }
    const ref = normalizeImageRef(config.image.image);
    const image = this.images.get(ref);
    if (!image) {
      throw new RuntimeError('ImageNotPresent', `image "${config.image.image}" is not present; pull it first`, {
        image: config.image.image,
        podSandboxId,
      });
    }
    const id = this.nextId('container');
    this.record('createContainer', id);
    const { script, command, env } = containerBehaviour(config, this.scripts.get(ref), sandboxConfig);
    // One private copy of the config, whose metadata, labels, annotations and mounts the status shares: nothing
    // here changes them, and every read hands out a copy (a node holds one of these per container it runs).
    // cloneJson shares the config's strings (a structured clone would copy each one again).
    const own = cloneJson(config);
    this.containers.set(id, {
      status: {
        id,
        podSandboxId,
        metadata: own.metadata,
        image: { image: config.image.image },
        imageRef: image.id,
        state: 'CONTAINER_CREATED',
        createdAt: this.clock.now(),
        startedAt: 0,
        finishedAt: 0,
        exitCode: 0,
        reason: '',
        message: '',
        labels: own.labels ?? {},
        annotations: own.annotations ?? {},
        mounts: own.mounts ?? [],
        logPath: config.logPath ?? '',
      },
      config: own,
      script,
      ...(command ? { command } : {}),
      timers: [],
      logs: [],
      logWaiters: [],
      ...(script.listen
        ? { listen: new Map(Object.entries(script.listen).map(([port, status]) => [Number(port), status])) }
        : {}),
      ...(script.exec ? { exec: new Map(Object.entries(script.exec)) } : {}),
      usage: script.usage ?? { cpuNanoCores: 0, memoryWorkingSetBytes: 0 },
      env,
    });
    this.indexPod(id, config.labels);
    this.emit(id, podSandboxId, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.mustContainer(containerId);
    this.record('startContainer', containerId);
    if (c.status.state !== 'CONTAINER_CREATED') {
      throw new RuntimeError(
        'RunContainerError',
        `container ${containerId} is ${c.status.state}, only a created container can start; create a new one`,
        { containerId },
      );
    }
    const run = c.command ?? scriptedRun(c.script, c.status.metadata.attempt);
    const oomKilled = 'oomKilled' in run && run.oomKilled === true;
    c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = this.clock.now();
    this.emit(containerId, c.status.podSandboxId, 'CONTAINER_STARTED_EVENT');
    for (const { atMs, stream, text } of run.output) {
      if (atMs === 0) this.appendLog(c, { stream, text });
      else c.timers.push(this.clock.setTimeout(() => this.appendLog(c, { stream, text }), atMs));
    }
    if (run.runMs !== undefined) {
      const exitCode = oomKilled ? SIGKILL_EXIT : run.exitCode;
      c.timers.push(this.clock.setTimeout(() => this.exit(c, exitCode, oomKilled), run.runMs));
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.mustContainer(containerId);
    this.record('stopContainer', containerId, String(timeoutSeconds));
    if (c.status.state !== 'CONTAINER_RUNNING') return;
    if (timeoutSeconds > 0 && c.script.ignoresSigterm) {
      await this.clock.sleep(timeoutSeconds * 1000);
      if (c.status.state === 'CONTAINER_RUNNING') this.exit(c, SIGKILL_EXIT, false);
      return;
    }
    this.exit(c, timeoutSeconds > 0 ? SIGTERM_EXIT : SIGKILL_EXIT, false);
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    this.record('removeContainer', containerId);
    if (c.status.state === 'CONTAINER_RUNNING') this.exit(c, SIGKILL_EXIT, false);
    this.unindexPod(containerId, c.status.labels);
    this.containers.delete(containerId);
    this.emit(containerId, c.status.podSandboxId, 'CONTAINER_DELETED_EVENT');
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return this.candidates(this.containers, filter?.labelSelector)
      .filter((c) => matchesContainerFilter(c.status, filter))
      .map(({ status }) => containerCopy(status));
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const { status } = this.mustContainer(containerId);
    return {
      ...containerCopy(status),
      startedAt: status.startedAt,
      finishedAt: status.finishedAt,
      exitCode: status.exitCode,
      reason: status.reason,
      message: status.message,
      mounts: status.mounts.map((m) => ({ ...m })),
      logPath: status.logPath,
    };
  }

  async execSync(containerId: string, cmd: string[]): Promise<ExecSyncResponse> {
    const c = this.mustRunning(containerId);
    this.record('execSync', containerId, execKey(cmd));
    return { ...(c.exec?.get(execKey(cmd)) ?? { stdout: '', stderr: '', exitCode: 0 }) };
  }

  async exec(containerId: string, request: ExecRequest): Promise<StreamSession> {
    const c = this.mustRunning(containerId);
    this.record('exec', containerId, execKey(request.cmd));
    const handler =
      this.execHandlers.get(execHandlerKey(containerId, request.cmd)) ??
      fakeExecProgram(request.cmd, c.exec?.get(execKey(request.cmd)), c.env, this.clock);
    this.live += 1;
    return new FakeStreamSession(request.cmd, request, handler, () => {
      this.live -= 1;
    });
  }

  async attach(containerId: string, request: AttachRequest): Promise<StreamSession> {
    const c = this.mustRunning(containerId);
    this.record('attach', containerId);
    // The main process's output from now on; its stdin is taken and dropped (simulated processes read nothing).
    return new FakeStreamSession(
      [],
      request,
      async (io) => {
        io.stdin.resume();
        for await (const line of this.containerLogs(containerId, { follow: true, tailLines: 0, signal: io.signal })) {
          const out = line.stream === 'stderr' ? io.stderr : io.stdout;
          if (!out.write(`${line.text}\n`)) await new Promise((resolve) => out.once('drain', resolve));
        }
        return c.status.state === 'CONTAINER_EXITED' ? c.status.exitCode : -1;
      },
      () => {},
    );
  }

  async portForward(podSandboxId: string, port: number): Promise<PortStream> {
    const sandbox = this.mustSandbox(podSandboxId);
    const ip = sandbox.status.network.ip;
    const httpStatus = this.containersOf(podSandboxId)
      .find((c) => c.status.state === 'CONTAINER_RUNNING' && c.listen?.has(port))
      ?.listen?.get(port);
    if (sandbox.status.state !== 'SANDBOX_READY' || httpStatus === undefined) {
      throw new RuntimeError(
        'Unavailable',
        `port-forward to ${ip}:${port}: connection refused (nothing listens on port ${port} in sandbox ${podSandboxId})`,
        { podSandboxId },
      );
    }
    this.record('portForward', podSandboxId, String(port));
    return fakeHttpConnection(`${ip}:${port}`, httpStatus);
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    return this.statsOf(this.mustContainer(containerId));
  }

  async *streamContainerStats(containerId: string, options: StatsStreamOptions = {}): AsyncIterable<ContainerStats> {
    const c = this.mustContainer(containerId);
    for (;;) {
      yield this.statsOf(c);
      if (c.status.state === 'CONTAINER_EXITED' || options.signal?.aborted) return;
      const slept = await sleepOn(this.clock, options.intervalMs ?? 1000, options.signal).then(
        () => true,
        () => false,
      );
      if (!slept) return;
    }
  }

  async listContainerStats(filter: ContainerStatsFilter = {}): Promise<ContainerStats[]> {
    return [...this.containers.values()]
      .filter((c) => c.status.state === 'CONTAINER_RUNNING' && matchesContainerFilter(c.status, filter))
      .map((c) => this.statsOf(c));
  }

  async *containerLogs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    yield* logWindow(this.rawLogs(this.mustContainer(containerId), options), options);
  }

  private async *rawLogs(c: FakeContainer, options: LogOptions): AsyncIterable<LogLine> {
    let next = options.tailLines === undefined ? 0 : Math.max(0, c.logs.length - options.tailLines);
    for (;;) {
      while (next < c.logs.length) yield { ...c.logs[next++] };
      if (!options.follow || options.signal?.aborted || c.status.state !== 'CONTAINER_RUNNING') return;
      await new Promise<void>((resolve) => {
        c.logWaiters.push(resolve);
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  // --- ImageService --------------------------------------------------------

  async listImages(filter?: { image?: ImageSpec }): Promise<Image[]> {
    const wanted = filter?.image && normalizeImageRef(filter.image.image);
    return [...this.images.entries()].filter(([ref]) => !wanted || ref === wanted).map(([, i]) => structuredClone(i));
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const found = this.images.get(normalizeImageRef(image.image));
    return found && structuredClone(found);
  }

  async pullImage(image: ImageSpec): Promise<string> {
    const ref = normalizeImageRef(image.image);
    const failure = this.pullFailures.get(ref);
    this.record('pullImage', ref);
    if (failure !== undefined) {
      throw new RuntimeError('ErrImagePull', `failed to pull image "${image.image}": ${failure}`, {
        image: image.image,
      });
    }
    if (!this.images.has(ref)) this.addImage(ref);
    return this.images.get(ref)!.id;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.images.delete(normalizeImageRef(image.image));
  }

  // --- internals -----------------------------------------------------------

  private exit(c: FakeContainer, exitCode: number, oomKilled: boolean): void {
    for (const timer of c.timers.splice(0)) timer.cancel();
    c.status.state = 'CONTAINER_EXITED';
    c.status.finishedAt = this.clock.now();
    c.status.exitCode = exitCode;
    c.status.reason = oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    this.wakeLogWaiters(c);
    this.emit(c.status.id, c.status.podSandboxId, 'CONTAINER_STOPPED_EVENT');
  }

  private appendLog(c: FakeContainer, line: LogLine): void {
    c.logs.push({ ...line, time: this.clock.now() });
    this.wakeLogWaiters(c);
  }

  private wakeLogWaiters(c: FakeContainer): void {
    for (const wake of c.logWaiters.splice(0)) wake();
  }

  private statsOf(c: FakeContainer): ContainerStats {
    const now = this.clock.now();
    const running = c.status.state === 'CONTAINER_RUNNING';
    const ranMs = c.status.startedAt === 0 ? 0 : (running ? now : c.status.finishedAt) - c.status.startedAt;
    return {
      attributes: {
        id: c.status.id,
        metadata: { ...c.status.metadata },
        labels: { ...c.status.labels },
        annotations: { ...c.status.annotations },
      },
      cpu: {
        timestamp: now,
        usageCoreNanoSeconds: Math.round((c.usage.cpuNanoCores * ranMs) / 1000),
        usageNanoCores: running ? c.usage.cpuNanoCores : 0,
      },
      memory: { timestamp: now, workingSetBytes: running ? c.usage.memoryWorkingSetBytes : 0 },
    };
  }

  private probePort(host: string, port: number, http: boolean): ProbeOutcome {
    const sandbox = [...this.sandboxes.values()].find(
      (s) => s.status.state === 'SANDBOX_READY' && s.status.network.ip === host,
    );
    const listener = sandbox
      ? this.containersOf(sandbox.status.id).find((c) => c.status.state === 'CONTAINER_RUNNING' && c.listen?.has(port))
      : undefined;
    if (!listener) return { success: false, message: `dial tcp ${host}:${port}: connect: connection refused` };
    const status = listener.listen?.get(port) ?? 0;
    if (!http || (status >= 200 && status < 400)) return { success: true };
    return { success: false, message: `HTTP probe failed with statuscode: ${status}` };
  }

  private record(op: FakeRuntimeCall['op'], target: string, detail?: string): void {
    if (!this.recordCalls) return;
    this.calls.push({ op, target, at: this.clock.now(), ...(detail === undefined ? {} : { detail }) });
  }

  /** The objects a label selector can match: those of one pod when it names a pod uid, else all. */
  private candidates<T>(all: Map<string, T>, selector: Record<string, string> | undefined): T[] {
    const uid = selector?.[criLabels.podUid];
    if (uid === undefined) return [...all.values()];
    const found: T[] = [];
    for (const id of this.byPod.get(uid) ?? []) {
      const obj = all.get(id);
      if (obj) found.push(obj);
    }
    return found;
  }

  private indexPod(id: string, labels: Record<string, string> | undefined): void {
    const uid = labels?.[criLabels.podUid];
    if (uid === undefined) return;
    const ids = this.byPod.get(uid) ?? new Set<string>();
    ids.add(id);
    this.byPod.set(uid, ids);
  }

  private unindexPod(id: string, labels: Record<string, string> | undefined): void {
    const uid = labels?.[criLabels.podUid];
    const ids = uid === undefined ? undefined : this.byPod.get(uid);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.byPod.delete(uid!);
  }

  private containersOf(podSandboxId: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.status.podSandboxId === podSandboxId);
  }

  private emit(containerId: string, podSandboxId: string, type: ContainerEventType): void {
    this.events.next({ containerId, podSandboxId, containerEventType: type, createdAt: this.clock.now() });
  }

  private nextId(kind: 'sandbox' | 'container'): string {
    this.seq += 1;
    return `${kind === 'sandbox' ? 's' : 'c'}${this.seq.toString(16).padStart(15, '0')}`;
  }

  private mustSandbox(id: string): FakeSandbox {
    const s = this.sandboxes.get(id);
    if (!s)
      throw new RuntimeError('NotFound', `pod sandbox ${id} not found; list sandboxes again`, { podSandboxId: id });
    return s;
  }

  private mustContainer(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found; list containers again`, { containerId: id });
    return c;
  }

  private mustRunning(id: string): FakeContainer {
    const c = this.mustContainer(id);
    if (c.status.state !== 'CONTAINER_RUNNING') {
      throw new RuntimeError('InvalidArgument', `container ${id} is not running; exec needs a running container`, {
        containerId: id,
      });
    }
    return c;
  }
}
