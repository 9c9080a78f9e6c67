import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  type ClusterApi,
  EventRecorder,
  Informer,
  InMemoryPodMetrics,
  isReason,
  type Lease,
  type Logger,
  LoopingComponent,
  type Node,
  type Pod,
  type PodMetricsSource,
  parseMilli,
  parseValue,
  type ResourceList,
  resolveClock,
  type Service,
  type SharedInformer,
  silentLogger,
  type Taint,
  type TimerHandle,
  type TokenRequester,
  toTimestamp,
} from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { criLabels } from '../cri/labels.js';
import type { LogLine, VersionResponse } from '../cri/messages.js';
import type { ContainerRuntime } from '../cri/services.js';
import type { AttachRequest, ExecRequest, PortStream, StreamSession } from '../cri/streaming.js';
import type { PodLogOptions } from './container-logs.js';
import { CrashLoopBackoff } from './crash-loop-backoff.js';
import type { EnvSources } from './env/container-env.js';
import { serviceLister } from './env/service-lister.js';
import { NODE_LEASE_RENEW_INTERVAL_MS, renewNodeLease } from './node-lease.js';
import { machineCapacity, machineIP, type NodeFacts, registerNode } from './node-registration.js';
import { podEventsOfNode } from './pod-events-by-node.js';
import { admissionFailure } from './pod-resources.js';
import { PodStreams } from './pod-streams.js';
import { NODE_NAME_LABEL, PodWorker, type PodWorkerContext } from './pod-worker.js';
import { SocketNetworkProber } from './probes/socket-network-prober.js';
import type { KubeletAuthOptions } from './server/authenticator.js';
import type { KubeletBackend } from './server/kubelet-backend.js';
import { KubeletServer } from './server/kubelet-server.js';
import { type KeyPair, selfSignedNodeCertificate } from './server/serving-certificate.js';
import { NodeStats } from './stats/node-stats.js';
import type { StatsSummary } from './stats/stats-summary.js';
import type { UsageHistorySnapshot } from './stats/usage-history.js';
import { PodVolumes, type VolumeSources } from './volumes/pod-volumes.js';
import { ServiceAccountTokens } from './volumes/service-account-tokens.js';

/** The kubelet's `nodeStatusUpdateFrequency` and `nodeStatusReportFrequency` defaults. */
const NODE_STATUS_UPDATE_INTERVAL_MS = 10_000;
const NODE_STATUS_REPORT_INTERVAL_MS = 5 * 60_000;

/** Options for `NodeAgent`. */
export interface NodeAgentOptions {
  /** The cluster: the in-process `Api` or a `RemoteApi` (the agent reads, writes and asks for tokens through it alone). */
  api: ClusterApi & TokenRequester;
  runtime: ContainerRuntime;
  nodeName: string;
  /** Default: the Api's clock. */
  clock?: Clock;
  logger?: Logger;
  /** Default: the machine's CPUs and memory, 110 pods. */
  capacity?: ResourceList;
  /** Default: the capacity. */
  allocatable?: ResourceList;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** The node's pod range, written to `spec.podCIDR` (the runtime allocates pod IPs from its own view of it). */
  podCIDR?: string;
  /** The node's address. Default: the machine's first non-internal IPv4. */
  hostIP?: string;
  /** Where per-pod volume directories go. Default `<tmpdir>/flotilla-agent-<nodeName>`. */
  volumeRoot?: string;
  /** Directories hostPath volumes may use; default none. */
  allowedHostPaths?: string[];
  /** Shared usage store for the autoscaler; default a private one (read it with `podMetrics()`). */
  metrics?: InMemoryPodMetrics;
  /** How often usage is sampled (into `podMetrics()` and the usage history). Default 15 s. */
  metricsIntervalMs?: number;
  /** How far back `usageHistory()` keeps samples. Default 15 minutes. */
  usageHistoryWindowMs?: number;
  /**
   * Serve the kubelet's HTTPS API (logs, exec, attach, port-forward,
   * stats, metrics) while the agent runs; its port is published in the
   * Node's `status.daemonEndpoints.kubeletEndpoint.Port`. Default: no server.
   */
  server?: NodeAgentServerOptions;
  /** PLEG relist period. Default 1 s. */
  relistIntervalMs?: number;
  /**
   * How often the Node status is computed and compared with the stored one
   * (the kubelet's `nodeStatusUpdateFrequency`); a change is written then.
   * Default 10 s.
   */
  nodeStatusIntervalMs?: number;
  /**
   * How often an unchanged Node status is written all the same (the
   * kubelet's `nodeStatusReportFrequency`); the Lease is the heartbeat in
   * between. Default 5 minutes, or `nodeStatusIntervalMs` when that is set,
   * as the kubelet defaults it for setups that post status as the heartbeat.
   */
  nodeStatusReportIntervalMs?: number;
  /**
   * How often every pod is synced even if nothing changed (the kubelet's
   * `syncFrequency`): this is when ConfigMap, Secret and downwardAPI volume
   * files catch up with their sources. Default 60 s.
   */
  podResyncIntervalMs?: number;
  /**
   * A cluster-wide Pod informer shared by many agents in one process (e.g.
   * `manager.informers.for<Pod>('Pod')`), instead of the agent's own
   * informer filtered on `spec.nodeName`: one watch and one cache then serve
   * every agent, rather than every pod write being filtered and delivered
   * once per agent. The agent only reads it and picks its own pods by
   * `spec.nodeName`; the caller starts and stops it (the agent waits for its
   * `synced`, so an informer never started holds the agent at startup).
   * Default: a private informer of this node's pods.
   */
  pods?: SharedInformer<Pod>;
  /**
   * A cluster-wide Service informer shared by many agents in one process
   * (e.g. `manager.informers.for<Service>('Service')`), read for the
   * `<SVC>_SERVICE_HOST` / `_PORT` variables of pods with service links (the
   * default), as the kubelet reads its service lister; the caller starts and
   * stops it. Default: the namespace's Services listed through the Api at
   * every container start (a copy of each Service per container).
   */
  services?: SharedInformer<Service>;
}

/** Options for the node agent's HTTPS API. */
export interface NodeAgentServerOptions {
  /** TCP port; 0 = any free one (read `NodeAgent.serverPort`). Default 10250. */
  port?: number;
  /** Bind address. Default `0.0.0.0`. */
  host?: string;
  /** Who may call: bearer tokens and / or a client CA (the apiserver's identity). Nobody else gets in. */
  auth: KubeletAuthOptions;
  /** Serving certificate; default a self-signed one for the node's name and IP (read `NodeAgent.servingCertificate`). */
  certificate?: KeyPair;
}

/**
 * The node agent (kubelet): registers its Node, renews its Lease every 10 s,
 * watches the pods bound to it and runs one `PodWorker` per pod against a
 * CRI runtime.
 *
 * Guarantees:
 * - Level-triggered: every pod is synced on its own changes, on runtime
 *   events, and whenever the relist (PLEG, every second) sees its runtime
 *   state change, so containers killed or removed behind the agent's back
 *   are noticed and restarted within about a second.
 * - No state only in memory: a new agent on the same runtime picks up the
 *   sandboxes and containers it finds (by label), and removes those of pods
 *   that no longer exist.
 * - Pods that do not fit the node's allocatable (with the pods already
 *   admitted) are set Failed with reason OutOfcpu / OutOfmemory / OutOfpods.
 * - Every pod is also synced every `podResyncIntervalMs` (60 s), which
 *   refreshes its ConfigMap, Secret and downwardAPI volume files.
 * - What happens to a pod is recorded as Events from component `kubelet`
 *   with the kubelet's reasons (Pulling, Pulled, Created, Started, Killing,
 *   BackOff, Unhealthy, Failed, FailedMount, FailedPostStartHook, ...),
 *   aggregated by core's `EventRecorder`.
 *
 * Caveats: crash-loop backoff timers live in memory and start over after an
 * agent restart (the first exit then restarts at once, the next waits 10 s),
 * as the kubelet's do. Events are best effort and
 * written without holding up the pod's sync.
 */
export class NodeAgent extends LoopingComponent implements KubeletBackend {
  private readonly logger: Logger;
  private readonly metrics: InMemoryPodMetrics;
  private readonly workers = new Map<string, PodWorker>();
  private readonly rejected = new Set<string>();
  private readonly backoff = new CrashLoopBackoff();
  private readonly imageBackoff = new CrashLoopBackoff();
  private readonly timers = new Set<TimerHandle>();
  private informer?: SharedInformer<Pod>;
  private relistSignature = new Map<string, string>();
  private relistScheduled = false;
  /** Set when the run ends: a periodic task still in flight then must not set its next timer. */
  private halted = false;
  private version?: VersionResponse;
  private sharedContext?: PodWorkerContext;
  private nodeUid?: string;
  /** The Lease as this agent last wrote it: renewed from, without a read. */
  private lease?: Lease;
  /** When this agent last wrote its Node status (the kubelet's `lastStatusReportTime`). */
  private lastStatusReport = Number.NEGATIVE_INFINITY;
  private readonly capacity: ResourceList;
  private readonly allocatable: ResourceList;
  private readonly hostIP: string;
  private readonly volumes: PodVolumes;
  private readonly sources: EnvSources & VolumeSources;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly streams: PodStreams;
  private readonly stats: NodeStats;
  private server?: KubeletServer;
  private certificate?: KeyPair;

  constructor(private readonly options: NodeAgentOptions) {
    super(`node agent ${options.nodeName}`);
    this.clock = resolveClock(options.clock, options.api);
    this.logger = (options.logger ?? silentLogger()).child({ component: 'node-agent', node: options.nodeName });
    this.metrics = options.metrics ?? new InMemoryPodMetrics();
    this.capacity = options.capacity ?? machineCapacity();
    this.allocatable = options.allocatable ?? this.capacity;
    this.hostIP = options.hostIP ?? machineIP();
    this.volumes = new PodVolumes({
      root: options.volumeRoot ?? join(tmpdir(), `flotilla-agent-${options.nodeName}`),
      allowedHostPaths: options.allowedHostPaths,
      tokens: new ServiceAccountTokens(this.clock, (ns, sa, request) => options.api.requestToken(ns, sa, request)),
    });
    const api = options.api;
    const orUndefined = <T>(p: Promise<T>) =>
      p.catch((err: unknown) => {
        if (isReason(err, 'NotFound')) return undefined;
        throw err;
      });
    this.sources = {
      configMap: (ns, name) => orUndefined(api.resource('ConfigMap').get(ns, name)),
      secret: (ns, name) => orUndefined(api.resource('Secret').get(ns, name)),
      services: options.services
        ? serviceLister(options.services)
        : async (ns) => (await api.resource('Service').list({ namespace: ns })).items as Service[],
      persistentVolumeClaim: (ns, name) => orUndefined(api.resource('PersistentVolumeClaim').get(ns, name)),
      persistentVolume: (name) => orUndefined(api.resource('PersistentVolume').get(name)),
    };
    this.streams = new PodStreams(api, options.runtime, options.nodeName, this.clock);
    this.stats = new NodeStats(
      options.runtime,
      options.nodeName,
      this.clock,
      this.metrics,
      options.metricsIntervalMs ?? 15_000,
      options.usageHistoryWindowMs,
    );
    this.recorder = new EventRecorder(api, {
      component: 'kubelet',
      host: options.nodeName,
      clock: this.clock,
      logger: this.logger,
    });
  }

  /**
   * The logs of a container of a pod on this node, named as the API shows it
   * (`kubectl logs -n <namespace> <pod> -c <container>`): no runtime ids to
   * look up or `docker://` prefixes to strip. `previous` reads the run
   * before the last restart. Throws a `RuntimeError` NotFound naming what is
   * missing (the pod, the container, or a previous run). The kubelet's
   * other options apply too: `follow`, `tailLines`, `sinceSeconds`,
   * `timestamps`, `limitBytes`.
   */
  containerLogs(
    namespace: string,
    pod: string,
    container: string,
    options: PodLogOptions = {},
  ): AsyncIterable<LogLine> {
    return this.streams.logs(namespace, pod, container, options);
  }

  /**
   * Runs a command in a container of a pod on this node with its streams
   * connected (`kubectl exec`); the session reports the exit code, and
   * closing it kills the command if it still runs.
   */
  exec(namespace: string, pod: string, container: string, request: ExecRequest): Promise<StreamSession> {
    return this.streams.exec(namespace, pod, container, request);
  }

  /** Connects to the streams of a container's main process (`kubectl attach`). */
  attach(namespace: string, pod: string, container: string, request: AttachRequest): Promise<StreamSession> {
    return this.streams.attach(namespace, pod, container, request);
  }

  /** A TCP stream to `port` in the pod's network namespace (`kubectl port-forward`). */
  portForward(namespace: string, pod: string, port: number): Promise<PortStream> {
    return this.streams.portForward(namespace, pod, port);
  }

  /** The pods bound to this node (the kubelet's `/pods`). */
  async listPods(): Promise<Pod[]> {
    const listed = await this.options.api
      .resource('Pod')
      .list({ fieldSelector: `spec.nodeName=${this.options.nodeName}` });
    return listed.items as Pod[];
  }

  /** The node's and its pods' current CPU and memory usage, in the kubelet's `/stats/summary` shape. */
  statsSummary(): Promise<StatsSummary> {
    return this.stats.summary();
  }

  /** Node and per-pod usage samples over the last `usageHistoryWindowMs`, oldest first (one per `metricsIntervalMs`). */
  usageHistory(): UsageHistorySnapshot {
    return this.stats.snapshot();
  }

  /** The port the HTTPS API listens on once started (0 when no `server` was configured). */
  get serverPort(): number {
    return this.server?.port ?? 0;
  }

  /** The HTTPS API's serving certificate (PEM), for clients to trust; undefined before start or without a server. */
  get servingCertificate(): string | undefined {
    return this.certificate?.cert;
  }

  /** Per-pod CPU and memory usage of this node's pods (and of other agents sharing the same store). */
  podMetrics(): PodMetricsSource {
    return this.metrics;
  }

  /**
   * Registers the Node, starts renewing its Lease and follows the pods bound
   * to it; ready once its pod cache has synced. Runs pod workers, relist and
   * metrics until `signal` aborts. Runtime state is left as is on stop:
   * containers keep running.
   */
  protected async serve(signal: AbortSignal, ready: () => void): Promise<void> {
    const { runtime, nodeName } = this.options;
    this.halted = false;
    this.version = await runtime.version();
    if (this.options.server) await this.startServer(this.options.server);
    const node = await this.register();
    this.nodeUid = node.metadata.uid;
    await this.renewLease();
    this.every(NODE_LEASE_RENEW_INTERVAL_MS, () => this.renewLease());
    this.every(this.options.nodeStatusIntervalMs ?? NODE_STATUS_UPDATE_INTERVAL_MS, () => this.register());

    const informer = this.options.pods ?? this.ownInformer();
    this.informer = informer;
    const subs: Subscription[] = [];
    subs.push(
      podEventsOfNode(informer, nodeName).subscribe((e) => {
        if (e.type === 'deleted') this.workers.get(e.object.metadata.uid ?? '')?.markRemoved();
        else void this.handlePod(e.object as Pod);
      }),
    );
    if (runtime.containerEvents$)
      subs.push(runtime.containerEvents$.subscribe({ next: (e) => void this.wake(e.podSandboxId), error: () => {} }));
    if (!this.options.pods) informer.start(signal);
    await informer.synced;
    this.every(this.options.relistIntervalMs ?? 1000, () => this.relist());
    this.every(this.options.metricsIntervalMs ?? 15_000, () => this.stats.sample());
    this.every(this.options.podResyncIntervalMs ?? 60_000, async () => {
      for (const w of this.workers.values()) w.resync();
    });
    ready();

    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.halted = true;
    for (const t of this.timers) t.cancel();
    for (const s of subs) s.unsubscribe();
    for (const w of this.workers.values()) w.stop();
    if (!this.options.pods) informer.stop();
    await this.server?.stop();
    this.server = undefined;
  }

  private async startServer(options: NodeAgentServerOptions): Promise<void> {
    this.certificate =
      options.certificate ??
      this.certificate ??
      (await selfSignedNodeCertificate(this.options.nodeName, [this.hostIP], Date.now()));
    const server = new KubeletServer(this, {
      port: options.port,
      host: options.host,
      auth: options.auth,
      certificate: this.certificate,
      logger: this.logger,
    });
    await server.start();
    this.server = server;
  }

  /** This node's pods only: the store filters the watch on `spec.nodeName`, as the kubelet's does. */
  private ownInformer(): Informer<Pod> {
    const { api, nodeName } = this.options;
    const clock = this.clock;
    const fieldSelector = `spec.nodeName=${nodeName}`;
    return new Informer<Pod>(
      {
        resource: (kind) => {
          const client = api.resource(kind);
          return {
            list: (opts) => client.list({ ...opts, fieldSelector }),
            watch: (opts) => client.watch({ ...opts, fieldSelector }),
          };
        },
      },
      'Pod',
      { clock, logger: this.logger },
    );
  }

  /** Renews the Lease from the one last written (see `renewNodeLease`). */
  private async renewLease(): Promise<void> {
    const { api, nodeName } = this.options;
    this.lease = await renewNodeLease(api, this.clock, nodeName, this.nodeUid, this.lease);
  }

  /** Writes the Node status if it changed, or if the last write is `nodeStatusReportIntervalMs` old. */
  private async register(): Promise<Node> {
    const now = this.clock.now();
    const { nodeStatusIntervalMs, nodeStatusReportIntervalMs } = this.options;
    const reportEvery = nodeStatusReportIntervalMs ?? nodeStatusIntervalMs ?? NODE_STATUS_REPORT_INTERVAL_MS;
    const onlyIfChanged = now - this.lastStatusReport < reportEvery;
    const { node, written } = await registerNode(this.options.api, this.clock, this.nodeFacts(), { onlyIfChanged });
    if (written) this.lastStatusReport = now;
    return node;
  }

  private nodeFacts(): NodeFacts {
    return {
      nodeName: this.options.nodeName,
      capacity: this.capacity,
      allocatable: this.allocatable,
      labels: this.options.labels ?? {},
      taints: this.options.taints ?? [],
      hostIP: this.hostIP,
      podCIDR: this.options.podCIDR,
      version: this.version!,
      kubeletPort: this.server?.port,
    };
  }

  /** Runs `fn` every `ms` on the clock until the agent stops; failures are logged and retried next time. */
  private every(ms: number, fn: () => Promise<unknown>): void {
    const tick = () => {
      this.timers.delete(handle);
      fn()
        .catch((err: unknown) => this.logger.warn({ err }, 'periodic task failed'))
        .finally(() => {
          if (this.halted) return;
          handle = this.clock.setTimeout(tick, ms);
          this.timers.add(handle);
        });
    };
    let handle = this.clock.setTimeout(tick, ms);
    this.timers.add(handle);
  }

  private async handlePod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const existing = this.workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    if (this.rejected.has(uid)) return;
    const fresh = !pod.status?.startTime && !pod.metadata.deletionTimestamp;
    const phase = pod.status?.phase;
    if (fresh && phase !== 'Failed' && phase !== 'Succeeded') {
      const admitted = [...this.workers.values()].filter((w) => w.holdsResources).map((w) => w.requests);
      const failure = admissionFailure(pod, admitted, {
        cpuMilli: parseMilli(this.allocatable.cpu ?? 0),
        memoryBytes: parseValue(this.allocatable.memory ?? 0),
        pods: parseValue(this.allocatable.pods ?? 110),
      });
      if (failure) {
        this.rejected.add(uid);
        this.logger.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ...failure }, 'pod rejected');
        await this.options.api
          .resource('Pod')
          .updateStatus({
            ...structuredClone(pod),
            status: {
              phase: 'Failed',
              reason: failure.reason,
              message: failure.message,
              startTime: toTimestamp(this.clock.now()),
            },
          } as Pod)
          .catch((err: unknown) => this.logger.warn({ err }, 'could not write the rejection'));
        return;
      }
    }
    const worker = new PodWorker(pod, this.workerContext());
    this.workers.set(uid, worker);
    worker.trigger();
  }

  /**
   * What every pod worker of this agent shares, made once per runtime
   * version: one object per agent rather than one (and a closure) per pod.
   */
  private workerContext(): PodWorkerContext {
    const runtimeName = this.version?.runtimeName ?? 'cri';
    if (this.sharedContext?.runtimeName === runtimeName) return this.sharedContext;
    this.sharedContext = {
      api: this.options.api,
      runtime: this.options.runtime,
      network: this.options.runtime.network ?? new SocketNetworkProber(),
      clock: this.clock,
      logger: this.logger,
      nodeName: this.options.nodeName,
      hostIP: this.hostIP,
      runtimeName,
      backoff: this.backoff,
      imageBackoff: this.imageBackoff,
      volumes: this.volumes,
      sources: this.sources,
      recorder: this.recorder,
      onFinished: (finished) => {
        const worker = this.workers.get(finished);
        this.workers.delete(finished);
        if (worker) this.stats.forgetPod(worker.podNamespace, worker.podName);
      },
    };
    return this.sharedContext;
  }

  /**
   * Evented PLEG: a container event wakes only the worker of the pod its
   * sandbox belongs to (one lookup), rather than relisting every sandbox and
   * container of the node on each event; an event for a sandbox no worker
   * owns (an orphan, or one already removed) falls back to a full relist.
   */
  private async wake(podSandboxId: string): Promise<void> {
    const [sandbox] = await this.options.runtime.listPodSandbox({ id: podSandboxId }).catch(() => []);
    const worker = sandbox && this.workers.get(sandbox.labels[criLabels.podUid] ?? '');
    if (worker) worker.trigger();
    else this.relistSoon();
  }

  private relistSoon(): void {
    if (this.relistScheduled || this.halted) return;
    this.relistScheduled = true;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      this.relistScheduled = false;
      void this.relist().catch((err: unknown) => this.logger.warn({ err }, 'relist failed'));
    }, 0);
    this.timers.add(handle);
  }

  /** PLEG: compares the runtime's containers and sandboxes with the last relist; wakes the workers of pods that changed. */
  private async relist(): Promise<void> {
    const selector = { labelSelector: { [NODE_NAME_LABEL]: this.options.nodeName } };
    const [sandboxes, containers] = await Promise.all([
      this.options.runtime.listPodSandbox(selector),
      this.options.runtime.listContainers(selector),
    ]);
    const parts = new Map<string, string[]>();
    for (const s of sandboxes) {
      const uid = s.labels[criLabels.podUid] ?? '';
      parts.set(uid, [...(parts.get(uid) ?? []), `${s.id}:${s.state}`]);
    }
    for (const c of containers) {
      const uid = c.labels[criLabels.podUid] ?? '';
      parts.set(uid, [...(parts.get(uid) ?? []), `${c.id}:${c.state}`]);
    }
    const next = new Map([...parts].map(([uid, p]) => [uid, p.sort().join(',')]));
    for (const uid of new Set([...next.keys(), ...this.relistSignature.keys()])) {
      if (next.get(uid) === this.relistSignature.get(uid)) continue;
      const worker = this.workers.get(uid);
      if (worker) worker.trigger();
      else if (next.has(uid) && this.informer?.hasSynced()) await this.removeOrphan(uid, sandboxes, containers);
    }
    this.relistSignature = next;
  }

  /** Removes what the runtime still runs for a pod the Api no longer has (deleted while no agent was watching). */
  private async removeOrphan(
    uid: string,
    sandboxes: Awaited<ReturnType<ContainerRuntime['listPodSandbox']>>,
    containers: Awaited<ReturnType<ContainerRuntime['listContainers']>>,
  ): Promise<void> {
    // The runtime labels name the pod, so one cache lookup answers (a shared cache holds every node's pods).
    const labels = [...sandboxes, ...containers].find((o) => o.labels[criLabels.podUid] === uid)?.labels ?? {};
    const cached = this.informer?.cache.get(labels[criLabels.podNamespace], labels[criLabels.podName]);
    if (cached?.metadata.uid === uid) return;
    this.logger.info({ uid }, 'removing containers of a pod that no longer exists');
    for (const c of containers.filter((c) => c.labels[criLabels.podUid] === uid)) {
      await this.options.runtime.removeContainer(c.id);
    }
    for (const s of sandboxes.filter((s) => s.labels[criLabels.podUid] === uid)) {
      await this.options.runtime.removePodSandbox(s.id);
    }
    await this.volumes.tearDown(uid);
  }
}
