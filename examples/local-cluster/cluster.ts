import { setMaxListeners } from 'node:events';
import { apiServerFieldManager } from '@flotilla/apiserver';
import {
  type ControllerRegistration,
  controllerRegistrations,
  registerHorizontalPodAutoscalerController,
  registerNodeLifecycleController,
  startControllerManager,
} from '@flotilla/controllers';
import {
  Api,
  type Clock,
  type ClusterApi,
  generateServiceAccountSigningKey,
  InformerFactory,
  InMemoryPodMetrics,
  type Logger,
  Manager,
  type Pod,
  type PodMetricsSource,
  RealClock,
  type Service,
  ServiceAccountTokenIssuer,
  type Store,
} from '@flotilla/core';
import {
  ClusterDns,
  type ClusterDnsAddresses,
  type Following,
  followProxyState,
  UserspaceProxy,
} from '@flotilla/netproxy';
import type { ContainerRuntime } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';
import type { Registry } from 'prom-client';
import {
  type AuthorizationMode,
  ClusterAuthorization,
  componentFieldManager,
  componentIdentities,
} from './authorization.js';
import { type NodeTimings, SimulatedNode } from './simulated-node.js';

/** The cluster's clocks of failure detection: short, so the demo takes seconds instead of minutes. */
export interface ClusterTimings extends NodeTimings {
  /** How long a node may be silent before it is NotReady/unreachable (Kubernetes: 50 s). */
  nodeGracePeriodMs: number;
  /** How often the node lifecycle controller re-checks nodes (Kubernetes: 5 s). */
  nodeMonitorPeriodMs: number;
  /**
   * How long the ReplicaSet and Deployment controllers gather pod events
   * before reconciling (0: at once). Thousands of pods need it: each
   * reconcile reads every pod of its set.
   */
  workloadBatchPeriodMs: number;
  /** How often the autoscaler evaluates each HPA (Kubernetes: 15 s). */
  hpaSyncPeriodMs: number;
}

/** The demo's timings: a silent node is declared unreachable after 4 s instead of Kubernetes' 50 s. */
export const demoTimings: ClusterTimings = {
  nodeStatusIntervalMs: 1000,
  metricsIntervalMs: 1000,
  nodeGracePeriodMs: 4000,
  nodeMonitorPeriodMs: 1000,
  workloadBatchPeriodMs: 0,
  hpaSyncPeriodMs: 1000,
};

/** Options of `LocalCluster.start`. */
export interface LocalClusterConfig {
  store: Store;
  nodes: number;
  logger: Logger;
  clock?: Clock;
  timings?: ClusterTimings;
  /** Where the Manager, its controllers and the Scheduler register their Kubernetes-named metrics. None when absent. */
  metrics?: Registry;
  /**
   * Simulated pods of node i get IPs in `127.<loopbackNet>.<i>.0/24`. Default 1; give two clusters that run at
   * once on one machine (tests, say) different values, or their pods' servers would want the same addresses.
   */
  loopbackNet?: number;
  /** A real runtime for node `index` (1-based); absent (or undefined for that node): a simulated FakeRuntime. */
  runtimeFor?: (index: number) => ContainerRuntime | undefined;
  /**
   * `RBAC` (default): the scheduler and the service proxy (with the DNS)
   * run under their bootstrap identities through a Node + RBAC chain;
   * `AlwaysAllow`: every component's call is allowed.
   */
  authorization?: AuthorizationMode;
  /**
   * Records every write in `metadata.managedFields`, as kube-apiserver
   * does, under the name Kubernetes gives the component that made it
   * (`componentFieldManager`): kubectl then shows who set what, and a
   * server-side apply conflicts as on a real cluster. Default: true. It
   * costs a cluster at scale (`npm run bench -- cluster`, 10,000 pods: a
   * quarter more CPU per pod, 60 % more heap), so the benchmark runs without.
   */
  managedFields?: boolean;
  /**
   * Every node agent serves the kubelet's HTTPS API (logs, exec,
   * port-forward, stats) on its node's address, letting in callers that
   * present this bearer token: give the apiserver `cluster.kubeletClient`.
   * Default: no agent serves.
   */
  nodeApiToken?: string;
  /**
   * Where the autoscaler reads pod usage, e.g. `MetricsApiPodMetrics` over
   * the served `metrics.k8s.io`. Default: the agents' samples (`podMetrics`).
   */
  autoscalerMetrics?: PodMetricsSource;
}

/**
 * The controller-manager preset as this cluster runs it: every registered
 * controller, the node lifecycle controller on the cluster's short grace
 * period, the autoscaler reading the agents' usage samples, and the
 * workload controllers batching pod events.
 */
function clusterControllers(timings: ClusterTimings, podMetrics: PodMetricsSource): ControllerRegistration[] {
  const batched = new Set(['replicaset', 'replicationcontroller', 'deployment']);
  return controllerRegistrations.map((r): ControllerRegistration => {
    if (r.name === 'nodelifecycle') {
      return {
        ...r,
        register: (manager, opts) =>
          registerNodeLifecycleController(manager, {
            ...opts,
            gracePeriodMs: timings.nodeGracePeriodMs,
            monitorPeriodMs: timings.nodeMonitorPeriodMs,
          }),
      };
    }
    if (r.name === 'horizontalpodautoscaling') {
      return {
        ...r,
        register: (manager, opts) =>
          registerHorizontalPodAutoscalerController(manager, {
            ...opts,
            metrics: podMetrics,
            syncPeriodMs: timings.hpaSyncPeriodMs,
          }),
      };
    }
    if (batched.has(r.name)) {
      return {
        ...r,
        register: (manager, opts) => r.register(manager, { ...opts, batchPeriodMs: timings.workloadBatchPeriodMs }),
      };
    }
    return r;
  });
}

/**
 * A whole cluster in one process: the Api on a Store, a Manager running the
 * controller-manager preset, the Scheduler, simulated nodes (NodeAgent +
 * FakeRuntime), the userspace service proxy and the cluster DNS server, all
 * on loopback. Components meet only through the Api, as in Kubernetes.
 *
 * Guarantees: `start` resolves once the caches are synced, every node has
 * registered and DNS listens; `stop` stops every component and closes every
 * socket it opened (the store is the caller's to close).
 */
export class LocalCluster {
  /** Names of the controllers the preset started. */
  readonly controllers: string[];
  readonly nodes: SimulatedNode[];
  /** Per-pod usage the agents publish (metrics-server's role), which the autoscaler reads. */
  readonly podMetrics = new InMemoryPodMetrics();
  readonly proxy: UserspaceProxy;
  readonly dns: ClusterDns;
  private readonly abort = new AbortController();
  private readonly scheduler: Scheduler;
  /** The proxier's own informers, reading as `system:kube-proxy`. */
  private readonly proxyInformers: InformerFactory;
  private following?: Following;
  private schedulerDone?: Promise<void>;
  private dnsAddresses?: ClusterDnsAddresses;

  private constructor(
    readonly api: Api,
    readonly manager: Manager<ClusterApi>,
    private readonly authorization: ClusterAuthorization,
    private readonly config: LocalClusterConfig & { clock: Clock; timings: ClusterTimings },
  ) {
    this.controllers = startControllerManager(manager, {
      registrations: authorization.controllers(
        clusterControllers(config.timings, config.autoscalerMetrics ?? this.podMetrics),
        api,
      ),
    });
    const schedulerApi = authorization.as(componentIdentities.scheduler);
    this.scheduler = new Scheduler({
      api: schedulerApi,
      // kube-scheduler lists and watches with its own credentials.
      informers: new InformerFactory(schedulerApi, { logger: config.logger }),
      clock: config.clock,
      logger: config.logger,
      metrics: config.metrics,
    });
    this.nodes = Array.from(
      { length: config.nodes },
      (_, i) =>
        new SimulatedNode({
          api: authorization.as(componentIdentities.node(`node-${i + 1}`)),
          clock: config.clock,
          logger: config.logger,
          index: i + 1,
          loopbackNet: config.loopbackNet ?? 1,
          metrics: this.podMetrics,
          timings: config.timings,
          runtime: config.runtimeFor?.(i + 1),
          pods: manager.informers.for<Pod>('Pod'),
          services: manager.informers.for<Service>('Service'),
        }),
    );
    this.proxyInformers = new InformerFactory(authorization.as(componentIdentities.proxy), { logger: config.logger });
    this.proxy = new UserspaceProxy({ clock: config.clock, logger: config.logger });
    this.dns = new ClusterDns({ logger: config.logger });
  }

  /** Builds and starts every component. */
  static async start(config: LocalClusterConfig): Promise<LocalCluster> {
    const clock = config.clock ?? new RealClock();
    // The cluster key pair: the Api (and so its ApiServer) issues TokenRequest tokens that pods' projected volumes mount.
    const serviceAccountTokens = new ServiceAccountTokenIssuer({ key: await generateServiceAccountSigningKey() });
    const api = new Api({ store: config.store, clock, serviceAccountTokens });
    // Every write is recorded under the program Kubernetes would name (see `managedFields`), from the start.
    const managedFields = config.managedFields ?? true;
    if (managedFields) api.setFieldManager(apiServerFieldManager, componentFieldManager);
    const authorization = await ClusterAuthorization.start(api, config.authorization ?? 'RBAC');
    if (managedFields) authorization.setFieldManager(apiServerFieldManager, componentFieldManager);
    const manager = new Manager({
      api: authorization.as(componentIdentities.controllerManager),
      clock,
      logger: config.logger,
      metrics: config.metrics,
    });
    const cluster = new LocalCluster(api, manager, authorization, {
      ...config,
      clock,
      timings: config.timings ?? demoTimings,
    });
    const token = config.nodeApiToken;
    if (token !== undefined) await Promise.all(cluster.nodes.map((n) => n.serveApi(token)));
    await cluster.run();
    return cluster;
  }

  private async run(): Promise<void> {
    const { clock, logger } = this.config;
    const signal = this.abort.signal;
    // Every informer, controller and agent of the cluster listens on this one signal.
    setMaxListeners(1000, signal);
    this.dnsAddresses = await this.dns.start();
    this.following = followProxyState(
      {
        informers: this.proxyInformers,
        node: { nodeName: 'local', nodeIPs: ['127.0.0.1'] },
        clock,
        logger,
      },
      async (state) => {
        await this.proxy.update(state);
        this.dns.update(state);
      },
    );
    this.proxyInformers.start(signal);
    await this.manager.start(signal);
    this.schedulerDone = this.scheduler.run(signal);
    for (const node of this.nodes) node.start();
    await this.waitForNodes();
  }

  private async waitForNodes(): Promise<void> {
    const nodes = this.manager.informers.for('Node');
    const registered = () => this.nodes.every((n) => nodes.cache.get(undefined, n.name) !== undefined);
    await new Promise<void>((resolve) => {
      if (registered()) return resolve();
      const sub = nodes.events$.subscribe(() => {
        if (!registered()) return;
        sub.unsubscribe();
        resolve();
      });
    });
  }

  /** Where the cluster DNS server answers (UDP, on loopback). */
  get dnsAddress(): { address: string; port: number } {
    if (!this.dnsAddresses) throw new Error('the cluster is not started; call LocalCluster.start first');
    return this.dnsAddresses.udp;
  }

  /**
   * Where the userspace proxy listens for a service port (it stands in for
   * the ClusterIP, which is not routable in a one-process cluster); `port`
   * is the port's name, for services with named ports.
   */
  serviceAddress(namespace: string, name: string, port?: string): { host: string; port: number } | undefined {
    return this.proxy.address(port ? `${namespace}/${name}:${port}` : `${namespace}/${name}`);
  }

  /**
   * How an apiserver reaches the node agents' API (its `kubeletClient`
   * option): the token they let in and their certificates to trust.
   * Undefined unless started with `nodeApiToken`.
   */
  get kubeletClient(): { token: string; ca: string[] } | undefined {
    const token = this.config.nodeApiToken;
    if (token === undefined) return undefined;
    return { token, ca: this.nodes.map((n) => n.servingCertificate).filter((c): c is string => c !== undefined) };
  }

  /** A node by name. */
  node(name: string): SimulatedNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}; nodes are ${this.nodes.map((n) => n.name).join(', ')}`);
    return node;
  }

  /** Stops every component and closes its sockets. */
  async stop(): Promise<void> {
    this.following?.stop();
    await Promise.all(this.nodes.map((n) => n.stop()));
    this.abort.abort();
    await Promise.all([this.manager.stopped, this.schedulerDone]);
    await Promise.all(this.nodes.map((n) => n.shutdown()));
    await this.proxy.stop();
    await this.dns.stop();
    await this.authorization.stop();
    await this.api.close();
  }
}
