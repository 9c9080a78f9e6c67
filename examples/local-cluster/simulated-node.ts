import type {
  Clock,
  ClusterApi,
  InMemoryPodMetrics,
  Logger,
  Pod,
  Service,
  SharedInformer,
  TokenRequester,
} from '@flotilla/core';
import {
  type ContainerRuntime,
  FakeRuntime,
  type KeyPair,
  NODE_NAME_LABEL,
  NodeAgent,
  type NodeAgentServerOptions,
  selfSignedNodeCertificate,
} from '@flotilla/runtime';
import { installSimulatedImages, simulatedImages } from './images.js';
import { PodServers } from './pod-servers.js';

/** How often a simulated node reports, so that failures show within seconds. */
export interface NodeTimings {
  /** Ready heartbeat (Node status) interval. */
  nodeStatusIntervalMs: number;
  /** Usage sampling for the autoscaler. */
  metricsIntervalMs: number;
}

/** Options of one `SimulatedNode`. */
export interface SimulatedNodeOptions {
  api: ClusterApi & TokenRequester;
  clock: Clock;
  logger: Logger;
  /** 1-based: node `node-<index>`, pods in `127.<loopbackNet>.<index>.0/24`. */
  index: number;
  /** Second octet of the pod ranges, so that two clusters on one machine do not share pod IPs. */
  loopbackNet: number;
  metrics: InMemoryPodMetrics;
  timings: NodeTimings;
  /** A real runtime (DockerRuntime) instead of the simulated one; its pods answer on their own. */
  runtime?: ContainerRuntime;
  /** The cluster's shared Pod informer (started by its owner): one watch for every node of the process. */
  pods?: SharedInformer<Pod>;
  /** The cluster's shared Service informer (started by its owner), for the pods' service variables. */
  services?: SharedInformer<Service>;
}

/** Each node's capacity: room for the demo's autoscaling with a node lost. */
const capacity = { cpu: '4', memory: '8Gi', pods: '110' };

/**
 * One node of the local cluster: a NodeAgent on a FakeRuntime (pod IPs on
 * loopback, with the in-process servers that make its pods answer), or on
 * a real runtime. `stop()` is a node failure (the agent dies, its
 * containers keep running); `start()` again is the node coming back on the
 * same runtime.
 */
export class SimulatedNode {
  readonly name: string;
  readonly runtime: ContainerRuntime;
  /** The FakeRuntime, when the node is simulated. */
  readonly simulated?: FakeRuntime;
  private readonly servers?: PodServers;
  private kubeletApi?: NodeAgentServerOptions & { certificate: KeyPair };
  private running?: { abort: AbortController; done: Promise<void> };

  constructor(private readonly options: SimulatedNodeOptions) {
    this.name = `node-${options.index}`;
    if (options.runtime) {
      this.runtime = options.runtime;
    } else {
      const fake = new FakeRuntime({ clock: options.clock, podCIDR: this.podCIDR });
      installSimulatedImages(fake);
      this.servers = new PodServers(fake, options.logger);
      this.runtime = this.simulated = fake;
    }
  }

  /** The node's pod range, inside 127.0.0.0/8 so every pod IP is a loopback address. */
  get podCIDR(): string {
    return `127.${this.options.loopbackNet}.${this.options.index}.0/24`;
  }

  /** The node's address, published in its Node status (the apiserver dials its agent there). */
  get hostIP(): string {
    return `127.0.100.${this.options.index}`;
  }

  /**
   * Makes the agent serve the kubelet's HTTPS API on `hostIP` (a free port)
   * from its next `start()` on, letting in callers that present `token`.
   * The serving certificate is made here, once: a restarted agent keeps it,
   * so whoever trusts `servingCertificate` still does.
   */
  async serveApi(token: string): Promise<void> {
    const certificate = await selfSignedNodeCertificate(this.name, [this.hostIP], Date.now());
    this.kubeletApi = { port: 0, host: this.hostIP, auth: { tokens: [token] }, certificate };
  }

  /** The agent API's certificate (its own CA), once `serveApi` was called. */
  get servingCertificate(): string | undefined {
    return this.kubeletApi?.certificate.cert;
  }

  /** Starts (or restarts) the node agent; failures of the agent are logged. */
  start(): void {
    if (this.running) return;
    const { api, clock, logger, metrics, timings, pods, services } = this.options;
    const agent = new NodeAgent({
      api,
      clock,
      logger,
      runtime: this.runtime,
      nodeName: this.name,
      podCIDR: this.podCIDR,
      hostIP: this.hostIP,
      capacity,
      metrics,
      metricsIntervalMs: timings.metricsIntervalMs,
      nodeStatusIntervalMs: timings.nodeStatusIntervalMs,
      pods,
      services,
      server: this.kubeletApi,
    });
    const abort = new AbortController();
    const done = agent
      .run(abort.signal)
      .catch((err: unknown) => logger.error({ err, node: this.name }, 'agent failed'));
    this.running = { abort, done };
  }

  /**
   * Simulated load: containers of `image` (running ones and those started
   * later) report `millicores` of CPU, which the agent samples for the
   * autoscaler.
   */
  async setCpuUsage(image: string, millicores: number): Promise<void> {
    const fake = this.simulated;
    if (!fake) throw new Error(`${this.name} runs real containers: their CPU usage cannot be simulated`);
    const known = simulatedImages[image]?.script ?? {};
    const usage = {
      cpuNanoCores: millicores * 1_000_000,
      memoryWorkingSetBytes: known.usage?.memoryWorkingSetBytes ?? 0,
    };
    fake.script(image, { ...known, usage });
    for (const c of await fake.listContainers({ state: 'CONTAINER_RUNNING' })) {
      if (c.image.image === image) fake.setUsage(c.id, usage);
    }
  }

  /** Stops the agent (a node failure: heartbeats stop, containers keep running). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.abort.abort();
    await running.done;
  }

  /** Stops the agent and the pods' servers; on a real runtime, removes the node's sandboxes and containers. */
  async shutdown(): Promise<void> {
    await this.stop();
    await this.servers?.stop();
    if (this.simulated) return;
    const mine = await this.runtime.listPodSandbox({ labelSelector: { [NODE_NAME_LABEL]: this.name } });
    await Promise.all(
      mine.map((s) =>
        this.runtime
          .removePodSandbox(s.id)
          .catch((err: unknown) => this.options.logger.warn({ err, sandbox: s.id }, 'could not remove a sandbox')),
      ),
    );
  }
}
