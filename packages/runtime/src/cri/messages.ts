/**
 * CRI runtime/v1 messages, with the CRI's field names so that anyone who knows
 * the kubelet <-> runtime contract can read them. One deliberate difference:
 * CRI timestamps are int64 nanoseconds, which a JS number cannot hold exactly,
 * so every `...At` field here is milliseconds since the epoch (0 = not yet).
 */

/** A key-value pair, as CRI passes environment variables. */
export interface KeyValue {
  key: string;
  value: string;
}

/** Identifies the pod a sandbox belongs to; `attempt` counts sandbox re-creations. */
export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

/** CRI transport protocols. */
export type CriProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A hostPort mapping; set on the sandbox because it owns the network namespace. */
export interface PortMapping {
  protocol?: CriProtocol;
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

/** The pod's resolver configuration. */
export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

/** Cgroup limits of a container (CRI `LinuxContainerResources`). */
export interface LinuxContainerResources {
  /** CFS period in microseconds; with `cpuQuota` it caps CPU use. */
  cpuPeriod?: number;
  /** CFS quota in microseconds per period; absent or 0 = no CPU limit. */
  cpuQuota?: number;
  /** Relative weight from CPU requests (1024 = one core). */
  cpuShares?: number;
  /** Memory limit in bytes; absent or 0 = no limit. */
  memoryLimitInBytes?: number;
}

/** Everything a runtime needs to create a pod's sandbox. */
export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: { cgroupParent?: string; resources?: LinuxContainerResources };
}

/** CRI sandbox states. */
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

/** A sandbox as `listPodSandbox` returns it. */
export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A sandbox's full status, including its pod IP. */
export interface PodSandboxStatus extends PodSandbox {
  network: { ip: string };
}

/** Narrows `listPodSandbox`; every given field must match. */
export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  labelSelector?: Record<string, string>;
}

/** Identifies a container inside its sandbox; `attempt` counts restarts. */
export interface ContainerMetadata {
  name: string;
  attempt: number;
}

/** An image reference. */
export interface ImageSpec {
  image: string;
}

/** A host directory bind-mounted into a container. */
export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
}

/** Everything a runtime needs to create a container in a sandbox. */
export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** Replaces the image's entrypoint. */
  command?: string[];
  /** Replaces the image's cmd. */
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  logPath?: string;
  linux?: { resources?: LinuxContainerResources };
}

/** CRI container states. */
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

/** Why an exited container exited, in the kubelet's words. */
export type ContainerExitReason = 'Completed' | 'Error' | 'OOMKilled';

/** A container as `listContainers` returns it. */
export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A container's full status. `reason` and `exitCode` are meaningful once EXITED. */
export interface ContainerStatus extends Container {
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: ContainerExitReason | '';
  message: string;
  mounts: Mount[];
  logPath: string;
}

/** Narrows `listContainers`; every given field must match. */
export interface ContainerFilter {
  id?: string;
  state?: ContainerState;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

/** The result of `execSync`. */
export interface ExecSyncResponse {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Resource usage of one container. */
export interface ContainerStats {
  attributes: {
    id: string;
    metadata: ContainerMetadata;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  cpu: { timestamp: number; usageCoreNanoSeconds: number; usageNanoCores: number };
  memory: { timestamp: number; workingSetBytes: number };
}

/** Narrows `listContainerStats`. */
export interface ContainerStatsFilter {
  id?: string;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

/** The runtime's name and versions (CRI `VersionResponse`). */
export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

/** An image held by the runtime. */
export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

/** CRI container event types (`GetContainerEvents`). */
export type ContainerEventType =
  | 'CONTAINER_CREATED_EVENT'
  | 'CONTAINER_STARTED_EVENT'
  | 'CONTAINER_STOPPED_EVENT'
  | 'CONTAINER_DELETED_EVENT';

/** A change to a container, pushed by runtimes that can (the kubelet's evented PLEG). */
export interface ContainerEventResponse {
  containerId: string;
  containerEventType: ContainerEventType;
  createdAt: number;
  podSandboxId: string;
}

/** One line of a container's output. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** When the runtime received the line, ms since the epoch; set when `LogOptions.timestamps` or `sinceMs` asked for it (0 = unknown). */
  time?: number;
  /** No newline follows the text: `limitBytes` cut the line. */
  partial?: boolean;
}

/** Options for `containerLogs`, as the kubelet passes them on from `PodLogOptions`. */
export interface LogOptions {
  /** Only the last N lines. */
  tailLines?: number;
  /** Keep yielding new lines until the container exits or `signal` aborts. */
  follow?: boolean;
  /** Only lines written at or after this time (ms since the epoch); the kubelet's `sinceSeconds` / `sinceTime`. */
  sinceMs?: number;
  /** Fill each line's `time` (Docker then sends a time before every line, which costs throughput; FakeRuntime always fills it). */
  timestamps?: boolean;
  /** Stop once this many bytes (each line's UTF-8 text and its newline) have been yielded; the last line is cut to fit. */
  limitBytes?: number;
  signal?: AbortSignal;
}
