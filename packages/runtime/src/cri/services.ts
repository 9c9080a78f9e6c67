import type { Observable } from 'rxjs';
import type {
  Container,
  ContainerConfig,
  ContainerEventResponse,
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
} from './messages.js';
import type { NetworkProber } from './network-prober.js';
import type { AttachRequest, ExecRequest, PortStream, StatsStreamOptions, StreamSession } from './streaming.js';

/**
 * The container half of the CRI (`runtime.v1.RuntimeService`): sandboxes,
 * containers, exec and stats. The NodeAgent needs nothing else from a
 * runtime, so any backend that implements this (and `ImageService`) runs pods.
 *
 * Guarantees (checked by `describeRuntimeConformance` for every backend):
 * - State lives in the runtime, not in the caller: `listPodSandbox` and
 *   `listContainers` return everything a restarted agent needs, labels and
 *   annotations included.
 * - `stopContainer(id, timeout)` asks the process to stop (SIGTERM) and kills
 *   it (SIGKILL) after `timeout` seconds; it resolves once the container is
 *   EXITED. Stopping a stopped container is a no-op.
 * - `stopPodSandbox` stops every container of the sandbox, then the sandbox;
 *   `removePodSandbox` removes them all. Both are idempotent, and removing
 *   an unknown sandbox succeeds (as in the CRI).
 * - Unknown ids fail with `RuntimeError` code `NotFound`.
 *
 * Caveats: `execSync` output is buffered whole; use it for probes and hooks,
 * and `exec` for streaming.
 */
export interface RuntimeService {
  /** The runtime's name and version (written to the Node's `containerRuntimeVersion`). */
  version(): Promise<VersionResponse>;

  /** Creates and starts a sandbox; returns its id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops the sandbox and every container in it; idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes a sandbox and its containers, force-stopping what still runs; idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  /** State, IP, labels and annotations of one sandbox. */
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  /** Sandboxes matching the filter (id, state, labels). */
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  /** Creates a container in a sandbox (not started); the image must be present. */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  /** Starts a created container. */
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; resolves when the container has exited. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container, force-stopping it if it still runs; idempotent. */
  removeContainer(containerId: string): Promise<void>;
  /** Containers matching the filter (id, sandbox, state, labels). */
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  /** State, exit code, reason and timestamps of one container. */
  containerStatus(containerId: string): Promise<ContainerStatus>;

  /** Runs a command in a running container and waits for it, up to `timeoutSeconds` (0 = no limit). */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;

  /**
   * Runs a command in a running container with its streams connected
   * (stdin, stdout, stderr, TTY and resize); the session reports the exit
   * code. Closing the session kills the process if it still runs.
   */
  exec(containerId: string, request: ExecRequest): Promise<StreamSession>;

  /** Connects to the streams of a running container's main process (`kubectl attach`). */
  attach(containerId: string, request: AttachRequest): Promise<StreamSession>;

  /**
   * A TCP stream to `port` in the pod's network namespace (`kubectl
   * port-forward`). Rejects with `RuntimeError` Unavailable when nothing
   * accepts connections there.
   */
  portForward(podSandboxId: string, port: number): Promise<PortStream>;

  /** Current CPU and memory usage of one container. */
  containerStats(containerId: string): Promise<ContainerStats>;
  /** Usage of every container matching the filter. */
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;
  /** Samples of one container's usage as they come (`docker stats` streaming); ends when the signal aborts or the container exits. */
  streamContainerStats(containerId: string, options?: StatsStreamOptions): AsyncIterable<ContainerStats>;

  /**
   * A container's output (CRI leaves logs to files the kubelet reads; this
   * is the same data through the runtime). Ends when the lines run out, or
   * with `follow`, when the container exits or the signal aborts.
   */
  containerLogs(containerId: string, options?: LogOptions): AsyncIterable<LogLine>;

  /**
   * Container lifecycle events, for runtimes that can push them. Optional:
   * the agent relists every second anyway, events only make it react sooner.
   */
  readonly containerEvents$?: Observable<ContainerEventResponse>;

  /**
   * How pods of this runtime are reached by httpGet / tcpSocket probes.
   * Absent = real sockets to the pod IP (right for runtimes with a real
   * network, like Docker); a simulated runtime answers itself.
   */
  readonly network?: NetworkProber;
}

/**
 * The image half of the CRI (`runtime.v1.ImageService`).
 *
 * Guarantees: `imageStatus` resolves to `undefined` for an absent image (not
 * an error, as in the CRI); `pullImage` of an image that cannot be fetched
 * fails with `RuntimeError` code `ErrImagePull` naming the image.
 */
export interface ImageService {
  /** Images present locally, optionally only those matching a reference. */
  listImages(filter?: { image?: ImageSpec }): Promise<Image[]>;
  /** The local image for a reference, or undefined when it must be pulled. */
  imageStatus(image: ImageSpec): Promise<Image | undefined>;
  /** Returns the image reference (id) of the pulled image. */
  pullImage(image: ImageSpec): Promise<string>;
  /** Removes a local image; idempotent. */
  removeImage(image: ImageSpec): Promise<void>;
}

/** A backend that implements both CRI services, as DockerRuntime and FakeRuntime do. */
export type ContainerRuntime = RuntimeService & ImageService;
