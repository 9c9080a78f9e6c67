import { type Clock, type Logger, RealClock, silentLogger } from '@flotilla/core';
import Docker from 'dockerode';
import { Observable, share } from 'rxjs';
import { RuntimeError } from '../cri/errors.js';
import { matchesContainerFilter, matchesSandboxFilter } from '../cri/filters.js';
import { normalizeImageRef } from '../cri/image-ref.js';
import { logWindow } from '../cri/log-window.js';
import type {
  Container,
  ContainerConfig,
  ContainerEventResponse,
  ContainerEventType,
  ContainerFilter,
  ContainerMetadata,
  ContainerState,
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
  PodSandboxMetadata,
  PodSandboxStatus,
  VersionResponse,
} from '../cri/messages.js';
import type { ContainerRuntime } from '../cri/services.js';
import type { AttachRequest, ExecRequest, PortStream, StatsStreamOptions, StreamSession } from '../cri/streaming.js';
import { dockerStatus, toRuntimeError } from './docker-errors.js';
import {
  type ContainerExtras,
  decodeLabels,
  dockerLabels,
  dockerName,
  encodeLabels,
  readJsonLabel,
} from './docker-labels.js';
import { type DockerStatsSample, toCriUsage } from './docker-stats.js';
import { dockerAttach, dockerExec, dockerStatsStream, tcpPortStream } from './docker-streaming.js';
import { DockerTimestamps } from './docker-timestamps.js';
import { LogFrameDecoder } from './log-frames.js';

/** Options for `DockerRuntime`. */
export interface DockerRuntimeOptions {
  /** A dockerode client; default one on `socketPath`. */
  docker?: Docker;
  /** Default /var/run/docker.sock. */
  socketPath?: string;
  /**
   * The bridge network sandboxes join (created on first use if missing).
   * Default `flotilla` on 198.19.250.0/24, inside the 198.18.0.0/15 test range.
   */
  network?: { name: string; subnet: string };
  /** The image sandboxes run (must be present locally and have `sh`). Default `flotilla/busybox:latest`. */
  sandboxImage?: string;
  /** Times exec timeouts. Default RealClock. */
  clock?: Clock;
  logger?: Logger;
}

/**
 * What a sandbox container runs. It only holds the pod's namespaces, and it
 * must stop promptly on SIGTERM, which a bare `sleep` as PID 1 would not.
 * Exported so that a comparison (the runtime benchmark's plain-Docker path)
 * can create the very same containers.
 */
export const SANDBOX_COMMAND = ['sh', '-c', 'trap "exit 0" TERM; sleep 2147483647 & wait'];
const DOCKER_ZERO_TIME = '0001-01-01T00:00:00Z';

const parseTime = (t: string | undefined) => (!t || t === DOCKER_ZERO_TIME ? 0 : Date.parse(t) || 0);

function containerState(dockerState: string | undefined): ContainerState {
  switch (dockerState) {
    case 'created':
      return 'CONTAINER_CREATED';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'CONTAINER_RUNNING';
    case 'exited':
    case 'dead':
      return 'CONTAINER_EXITED';
    default:
      return 'CONTAINER_UNKNOWN';
  }
}

const eventTypes: Record<string, ContainerEventType> = {
  create: 'CONTAINER_CREATED_EVENT',
  start: 'CONTAINER_STARTED_EVENT',
  die: 'CONTAINER_STOPPED_EVENT',
  destroy: 'CONTAINER_DELETED_EVENT',
};

/**
 * The CRI over a Docker engine, as dockershim did it.
 *
 * - A sandbox is a small long-lived container on the runtime's bridge
 *   network; it owns the pod's network namespace, hostname and hostPort
 *   mappings. App containers join its network and IPC namespaces
 *   (`container:<id>`), so a pod's containers share localhost and the pod IP.
 * - Every sandbox and container carries its CRI metadata, labels and
 *   annotations as Docker labels: all state is in Docker, none only in memory,
 *   so a new DockerRuntime (after an agent restart) sees everything.
 * - Resources: CPU quota/period for limits, CPU shares from requests, a
 *   memory limit without swap; Docker's `State.OOMKilled` becomes reason
 *   OOMKilled.
 * - Docker errors become RuntimeError (an unpullable image: ErrImagePull).
 *
 * Caveats: `containerStats` asks Docker for two samples, which takes about a
 * second per call (calls for many containers run in parallel).
 */
export class DockerRuntime implements ContainerRuntime {
  /** Container create / start / die / destroy events, from Docker's event stream (shared by subscribers). */
  readonly containerEvents$: Observable<ContainerEventResponse>;
  private readonly docker: Docker;
  private readonly networkSpec: { name: string; subnet: string };
  private readonly sandboxImage: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private networkReady?: Promise<void>;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
    this.networkSpec = options.network ?? { name: 'flotilla', subnet: '198.19.250.0/24' };
    this.sandboxImage = options.sandboxImage ?? 'flotilla/busybox:latest';
    this.clock = options.clock ?? new RealClock();
    this.logger = (options.logger ?? silentLogger()).child({ component: 'docker-runtime' });
    this.containerEvents$ = this.watchEvents().pipe(share());
  }

  async version(): Promise<VersionResponse> {
    const v = await this.docker.version().catch((err: unknown) => {
      throw toRuntimeError(err, 'docker version', 'Internal');
    });
    return { version: '0.1.0', runtimeName: 'docker', runtimeVersion: v.Version, runtimeApiVersion: 'v1' };
  }

  // --- sandboxes -------------------------------------------------------------

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    await this.ensureNetwork();
    const m = config.metadata;
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostPort: string; HostIp: string }[]> = {};
    for (const p of config.portMappings ?? []) {
      const key = `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
      exposed[key] = {};
      bindings[key] = [...(bindings[key] ?? []), { HostPort: String(p.hostPort), HostIp: p.hostIp ?? '' }];
    }
    try {
      const created = await this.docker.createContainer({
        name: dockerName(['k8s', 'POD', m.name, m.namespace, m.uid, m.attempt]),
        Image: this.sandboxImage,
        Cmd: SANDBOX_COMMAND,
        Hostname: config.hostname,
        Labels: encodeLabels('podsandbox', m, config.labels, config.annotations),
        ExposedPorts: exposed,
        HostConfig: {
          NetworkMode: this.networkSpec.name,
          IpcMode: 'shareable',
          PortBindings: bindings,
          Dns: config.dnsConfig?.servers,
          DnsSearch: config.dnsConfig?.searches,
          DnsOptions: config.dnsConfig?.options,
          CgroupParent: config.linux?.cgroupParent,
        },
      });
      await created.start();
      this.logger.debug({ sandbox: created.id, pod: `${m.namespace}/${m.name}` }, 'sandbox started');
      return created.id;
    } catch (err) {
      throw toRuntimeError(err, `run sandbox for pod ${m.namespace}/${m.name}`, 'CreateContainerError', {
        image: this.sandboxImage,
      });
    }
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const members = await this.listContainers({ podSandboxId });
    await Promise.all(members.map((c) => this.stopContainer(c.id, 0).catch((err) => this.ignoreGone(err))));
    await this.docker
      .getContainer(podSandboxId)
      .stop({ t: 2 })
      .catch((err: unknown) => this.ignoreGone(err, podSandboxId));
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const members = await this.listContainers({ podSandboxId });
    await Promise.all(members.map((c) => this.removeContainer(c.id)));
    await this.docker
      .getContainer(podSandboxId)
      .remove({ force: true, v: true })
      .catch((err: unknown) => this.ignoreGone(err, podSandboxId));
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const info = await this.inspect(podSandboxId, 'sandbox status');
    const { labels, annotations } = decodeLabels(info.Config.Labels);
    return {
      id: info.Id,
      metadata: readJsonLabel<PodSandboxMetadata>(info.Config.Labels, dockerLabels.metadata, {
        name: '',
        uid: '',
        namespace: '',
        attempt: 0,
      }),
      state: info.State.Running ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      createdAt: parseTime(info.Created),
      labels,
      annotations,
      network: { ip: info.NetworkSettings.Networks?.[this.networkSpec.name]?.IPAddress ?? '' },
    };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const found = await this.listDocker('podsandbox', filter.labelSelector, filter.id);
    return found
      .map((c): PodSandbox => {
        const { labels, annotations } = decodeLabels(c.Labels);
        return {
          id: c.Id,
          metadata: readJsonLabel<PodSandboxMetadata>(c.Labels, dockerLabels.metadata, {
            name: '',
            uid: '',
            namespace: '',
            attempt: 0,
          }),
          state: c.State === 'running' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
          createdAt: c.Created * 1000,
          labels,
          annotations,
        };
      })
      .filter((s) => matchesSandboxFilter(s, filter));
  }

  // --- containers ------------------------------------------------------------

  async createContainer(podSandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    const sandboxInfo = await this.inspect(podSandboxId, 'create container');
    if (!sandboxInfo.State.Running) {
      throw new RuntimeError('InvalidArgument', `sandbox ${podSandboxId} is not running; run a new sandbox first`, {
        podSandboxId,
      });
    }
    const m = sandbox.metadata;
    const r = config.linux?.resources ?? {};
    const extras: ContainerExtras = { image: config.image, logPath: config.logPath ?? '' };
    try {
      const created = await this.docker.createContainer({
        name: dockerName(['k8s', config.metadata.name, m.name, m.namespace, m.uid, config.metadata.attempt]),
        Image: config.image.image,
        Entrypoint: config.command && config.command.length > 0 ? config.command : undefined,
        Cmd: config.args && config.args.length > 0 ? config.args : undefined,
        WorkingDir: config.workingDir,
        Env: (config.envs ?? []).map((e) => `${e.key}=${e.value}`),
        Labels: encodeLabels('container', config.metadata, config.labels, config.annotations, {
          [dockerLabels.sandboxId]: podSandboxId,
          [dockerLabels.container]: JSON.stringify(extras),
        }),
        HostConfig: {
          NetworkMode: `container:${podSandboxId}`,
          IpcMode: `container:${podSandboxId}`,
          Mounts: (config.mounts ?? []).map((mount) => ({
            Type: 'bind' as const,
            Source: mount.hostPath,
            Target: mount.containerPath,
            ReadOnly: mount.readonly ?? false,
          })),
          CpuPeriod: r.cpuQuota ? r.cpuPeriod : undefined,
          CpuQuota: r.cpuQuota || undefined,
          CpuShares: r.cpuShares || undefined,
          Memory: r.memoryLimitInBytes || undefined,
          MemorySwap: r.memoryLimitInBytes || undefined,
        },
      });
      return created.id;
    } catch (err) {
      throw toRuntimeError(err, `create container ${config.metadata.name}`, 'CreateContainerError', {
        image: config.image.image,
        podSandboxId,
      });
    }
  }

  async startContainer(containerId: string): Promise<void> {
    await this.docker
      .getContainer(containerId)
      .start()
      .catch((err: unknown) => {
        if (dockerStatus(err) === 304) return;
        throw toRuntimeError(err, `start container ${containerId}`, 'RunContainerError', { containerId });
      });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.docker
      .getContainer(containerId)
      .stop({ t: Math.max(0, Math.floor(timeoutSeconds)) })
      .catch((err: unknown) => {
        if (dockerStatus(err) === 304) return;
        throw toRuntimeError(err, `stop container ${containerId}`, 'Internal', { containerId });
      });
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.docker
      .getContainer(containerId)
      .remove({ force: true, v: true })
      .catch((err: unknown) => this.ignoreGone(err, containerId));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const selector = { ...filter.labelSelector };
    if (filter.podSandboxId) selector[dockerLabels.sandboxId] = filter.podSandboxId;
    const found = await this.listDocker('container', selector, filter.id);
    return found
      .map((c): Container => {
        const { labels, annotations } = decodeLabels(c.Labels);
        const extras = readJsonLabel<ContainerExtras>(c.Labels, dockerLabels.container, {
          image: { image: c.Image },
          logPath: '',
        });
        return {
          id: c.Id,
          podSandboxId: c.Labels[dockerLabels.sandboxId] ?? '',
          metadata: readJsonLabel<ContainerMetadata>(c.Labels, dockerLabels.metadata, { name: '', attempt: 0 }),
          image: extras.image,
          imageRef: c.ImageID,
          state: containerState(c.State),
          createdAt: c.Created * 1000,
          labels,
          annotations,
        };
      })
      .filter((c) => matchesContainerFilter(c, filter));
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const info = await this.inspect(containerId, 'container status');
    const { labels, annotations } = decodeLabels(info.Config.Labels);
    const extras = readJsonLabel<ContainerExtras>(info.Config.Labels, dockerLabels.container, {
      image: { image: info.Config.Image },
      logPath: '',
    });
    const state = containerState(info.State.Status);
    const exited = state === 'CONTAINER_EXITED';
    const reason = !exited
      ? ''
      : info.State.OOMKilled
        ? 'OOMKilled'
        : info.State.ExitCode === 0
          ? 'Completed'
          : 'Error';
    return {
      id: info.Id,
      podSandboxId: info.Config.Labels?.[dockerLabels.sandboxId] ?? '',
      metadata: readJsonLabel<ContainerMetadata>(info.Config.Labels, dockerLabels.metadata, { name: '', attempt: 0 }),
      image: extras.image,
      imageRef: info.Image,
      state,
      createdAt: parseTime(info.Created),
      startedAt: parseTime(info.State.StartedAt),
      finishedAt: exited ? parseTime(info.State.FinishedAt) : 0,
      exitCode: exited ? info.State.ExitCode : 0,
      reason,
      message: info.State.Error ?? '',
      labels,
      annotations,
      mounts: (info.Mounts ?? []).map((mt) => ({
        containerPath: mt.Destination,
        hostPath: mt.Source,
        readonly: !mt.RW,
      })),
      logPath: extras.logPath,
    };
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const action = `exec in container ${containerId}`;
    try {
      const exec = await this.docker
        .getContainer(containerId)
        .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const decoder = new LogFrameDecoder();
      const out = { stdout: '', stderr: '' };
      const collect = (lines: LogLine[]) => {
        for (const l of lines) out[l.stream] += `${l.text}\n`;
      };
      const finished = new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => collect(decoder.push(chunk)));
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', reject);
      });
      let timer: { cancel(): void } | undefined;
      const timedOut =
        timeoutSeconds > 0
          ? new Promise<never>((_, reject) => {
              timer = this.clock.setTimeout(() => {
                stream.destroy();
                reject(
                  new RuntimeError('DeadlineExceeded', `${action}: command timed out after ${timeoutSeconds}s`, {
                    containerId,
                  }),
                );
              }, timeoutSeconds * 1000);
            })
          : undefined;
      try {
        await (timedOut ? Promise.race([finished, timedOut]) : finished);
      } finally {
        timer?.cancel();
      }
      // Output without a final newline is returned as it was written.
      for (const l of decoder.end()) out[l.stream] += l.text;
      const inspected = await exec.inspect();
      return { ...out, exitCode: inspected.ExitCode ?? -1 };
    } catch (err) {
      throw toRuntimeError(err, action, 'Internal', { containerId });
    }
  }

  exec(containerId: string, request: ExecRequest): Promise<StreamSession> {
    return dockerExec(this.docker, this.clock, containerId, request);
  }

  attach(containerId: string, request: AttachRequest): Promise<StreamSession> {
    return dockerAttach(this.docker, containerId, request);
  }

  async portForward(podSandboxId: string, port: number): Promise<PortStream> {
    const sandbox = await this.podSandboxStatus(podSandboxId);
    if (sandbox.state !== 'SANDBOX_READY' || !sandbox.network.ip) {
      throw new RuntimeError('Unavailable', `port-forward: sandbox ${podSandboxId} is not running`, { podSandboxId });
    }
    return tcpPortStream(sandbox.network.ip, port, podSandboxId);
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    return this.statsOf(await this.mustList(containerId));
  }

  async *streamContainerStats(containerId: string, options: StatsStreamOptions = {}): AsyncIterable<ContainerStats> {
    const c = await this.mustList(containerId);
    yield* dockerStatsStream(
      this.docker,
      this.clock,
      { id: c.id, metadata: c.metadata, labels: c.labels, annotations: c.annotations },
      options,
    );
  }

  async listContainerStats(filter: ContainerStatsFilter = {}): Promise<ContainerStats[]> {
    const running = await this.listContainers({ ...filter, state: 'CONTAINER_RUNNING' });
    return Promise.all(running.map((c) => this.statsOf(c)));
  }

  containerLogs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    return logWindow(this.dockerLogs(containerId, options), options);
  }

  /** Docker's log lines, each with the time Docker prefixes it with when asked (`timestamps`). */
  private async *dockerLogs(containerId: string, options: LogOptions): AsyncIterable<LogLine> {
    const query = {
      stdout: true,
      stderr: true,
      follow: options.follow === true,
      timestamps: options.timestamps === true || options.sinceMs !== undefined,
      tail: options.tailLines,
      // Whole seconds here; logWindow drops what is earlier within the second.
      since: options.sinceMs === undefined ? undefined : Math.floor(options.sinceMs / 1000),
    };
    const decoder = new LogFrameDecoder();
    const stamps = new DockerTimestamps();
    const timed = query.timestamps ? (l: LogLine) => stamps.split(l) : (l: LogLine) => l;
    // A stream even without follow (dockerode's `logs()` would buffer the whole log): read with backpressure, bounded memory.
    const stream = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) =>
      this.docker.modem.dial(
        {
          path: `/containers/${containerId}/logs?`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: query,
        },
        (err, data) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream & { destroy(): void })),
      ),
    ).catch((err: unknown) => {
      throw toRuntimeError(err, `logs of container ${containerId}`, 'Internal', { containerId });
    });
    const abort = () => stream.destroy();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const l of decoder.push(chunk)) yield timed(l);
      }
    } catch (err) {
      if (!options.signal?.aborted) throw toRuntimeError(err, `logs of container ${containerId}`, 'Internal');
    } finally {
      options.signal?.removeEventListener('abort', abort);
      stream.destroy();
    }
    for (const l of decoder.end()) yield timed(l);
  }

  // --- images ----------------------------------------------------------------

  async listImages(filter?: { image?: ImageSpec }): Promise<Image[]> {
    const images = await this.docker
      .listImages(filter?.image ? { filters: { reference: [normalizeImageRef(filter.image.image)] } } : {})
      .catch((err: unknown) => {
        throw toRuntimeError(err, 'list images', 'Internal');
      });
    return images.map((i) => ({
      id: i.Id,
      repoTags: i.RepoTags ?? [],
      repoDigests: i.RepoDigests ?? [],
      size: i.Size,
    }));
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    try {
      const i = await this.docker.getImage(normalizeImageRef(image.image)).inspect();
      return { id: i.Id, repoTags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], size: i.Size };
    } catch (err) {
      if (dockerStatus(err) === 404) return undefined;
      throw toRuntimeError(err, `image status of ${image.image}`, 'Internal', { image: image.image });
    }
  }

  async pullImage(image: ImageSpec): Promise<string> {
    const ref = normalizeImageRef(image.image);
    try {
      const progress = await this.docker.pull(ref);
      await new Promise<void>((resolve, reject) =>
        this.docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())),
      );
      const pulled = await this.imageStatus(image);
      if (!pulled) throw new Error('the image is still absent after the pull');
      return pulled.id;
    } catch (err) {
      const cause = toRuntimeError(err, 'pull', 'ErrImagePull', { image: image.image });
      throw new RuntimeError(
        cause.code === 'Unavailable' ? 'Unavailable' : 'ErrImagePull',
        `failed to pull image "${image.image}": ${cause.message}; check the name and that its registry is reachable (for an image built or loaded on this node, use imagePullPolicy: IfNotPresent so it is not pulled)`,
        { image: image.image, cause: err },
      );
    }
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.docker
      .getImage(normalizeImageRef(image.image))
      .remove()
      .catch((err: unknown) => {
        if (dockerStatus(err) !== 404) throw toRuntimeError(err, `remove image ${image.image}`, 'Internal');
      });
  }

  // --- internals -------------------------------------------------------------

  private ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      const { name, subnet } = this.networkSpec;
      const present = await this.docker
        .getNetwork(name)
        .inspect()
        .catch(() => undefined);
      if (present) return;
      await this.docker
        .createNetwork({ Name: name, Driver: 'bridge', IPAM: { Config: [{ Subnet: subnet }] }, CheckDuplicate: true })
        .catch((err: unknown) => {
          if (dockerStatus(err) !== 409) throw toRuntimeError(err, `create network ${name} (${subnet})`, 'Internal');
        });
    })().catch((err: unknown) => {
      this.networkReady = undefined;
      throw err;
    });
    return this.networkReady;
  }

  private async inspect(id: string, action: string): Promise<Docker.ContainerInspectInfo> {
    return this.docker
      .getContainer(id)
      .inspect()
      .catch((err: unknown) => {
        throw toRuntimeError(err, `${action} ${id}`, 'Internal', { containerId: id });
      });
  }

  private async listDocker(
    type: 'podsandbox' | 'container',
    labelSelector: Record<string, string> = {},
    id?: string,
  ): Promise<Docker.ContainerInfo[]> {
    const label = [`${dockerLabels.type}=${type}`, ...Object.entries(labelSelector).map(([k, v]) => `${k}=${v}`)];
    return this.docker
      .listContainers({ all: true, filters: { label, ...(id ? { id: [id] } : {}) } })
      .catch((err: unknown) => {
        throw toRuntimeError(err, `list ${type === 'container' ? 'containers' : 'sandboxes'}`, 'Internal');
      });
  }

  private async statsOf(c: Container): Promise<ContainerStats> {
    const attributes = { id: c.id, metadata: c.metadata, labels: c.labels, annotations: c.annotations };
    if (c.state !== 'CONTAINER_RUNNING') {
      const now = this.clock.now();
      return {
        attributes,
        cpu: { timestamp: now, usageCoreNanoSeconds: 0, usageNanoCores: 0 },
        memory: { timestamp: now, workingSetBytes: 0 },
      };
    }
    const sample = (await this.docker
      .getContainer(c.id)
      .stats({ stream: false })
      .catch((err: unknown) => {
        throw toRuntimeError(err, `stats of container ${c.id}`, 'Internal', { containerId: c.id });
      })) as unknown as DockerStatsSample;
    return { attributes, ...toCriUsage(sample, this.clock.now()) };
  }

  private async mustList(containerId: string): Promise<Container> {
    const c = (await this.listContainers({ id: containerId }))[0];
    if (!c)
      throw new RuntimeError('NotFound', `container ${containerId} not found; list containers again`, { containerId });
    return c;
  }

  private ignoreGone(err: unknown, id?: string): void {
    const status = dockerStatus(err);
    if (status === 404 || status === 304) return;
    throw toRuntimeError(err, `stop or remove ${id ?? 'container'}`, 'Internal', { containerId: id });
  }

  private watchEvents(): Observable<ContainerEventResponse> {
    return new Observable<ContainerEventResponse>((subscriber) => {
      let stream: NodeJS.ReadableStream | undefined;
      let closed = false;
      let pending = '';
      this.docker
        .getEvents({ filters: { type: ['container'], label: [`${dockerLabels.type}=container`] } })
        .then((s) => {
          stream = s;
          if (closed) (s as unknown as { destroy(): void }).destroy();
          s.on('data', (chunk: Buffer) => {
            pending += chunk.toString('utf8');
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines.filter((l) => l.trim() !== '')) {
              const e = JSON.parse(line) as {
                Action?: string;
                id?: string;
                timeNano?: number;
                Actor?: { Attributes?: Record<string, string> };
              };
              const type = eventTypes[e.Action ?? ''];
              if (!type || !e.id) continue;
              subscriber.next({
                containerId: e.id,
                containerEventType: type,
                createdAt: Math.round((e.timeNano ?? 0) / 1e6),
                podSandboxId: e.Actor?.Attributes?.[dockerLabels.sandboxId] ?? '',
              });
            }
          });
          s.on('error', (err: unknown) => subscriber.error(toRuntimeError(err, 'docker events', 'Unavailable')));
          s.on('end', () => subscriber.complete());
        })
        .catch((err: unknown) => subscriber.error(toRuntimeError(err, 'docker events', 'Unavailable')));
      return () => {
        closed = true;
        (stream as unknown as { destroy(): void } | undefined)?.destroy();
      };
    });
  }
}
