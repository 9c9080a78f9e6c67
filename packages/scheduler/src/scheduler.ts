import {
  type Clock,
  type ClusterApi,
  type InformerEvent,
  type InformerFactory,
  InvalidError,
  type Logger,
  LoopingComponent,
  type Namespace,
  type Node,
  type Pod,
  resolveClock,
  type SharedInformer,
  silentLogger,
} from '@flotilla/core';
import type { Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { InformerWorkloadLister } from './cache/informer-workload-lister.js';
import { PodInfo, podKey } from './cache/pod-info.js';
import { SchedulerCache } from './cache/scheduler-cache.js';
import { Snapshot } from './cache/snapshot.js';
import { ApiSchedulerClient } from './client/api-scheduler-client.js';
import { Framework } from './framework/framework.js';
import { type Profile, schedulerNameOf } from './framework/profile.js';
import type { PluginRegistry } from './framework/registry.js';
import { noSchedulerMetrics, type SchedulerMetrics, schedulerMetrics } from './metrics/scheduler-metrics.js';
import { defaultProfile, defaultRegistry } from './plugins/default-plugins.js';
import { NominatedPods } from './queue/nominator.js';
import { type QueuedPodInfo, SchedulingQueue } from './queue/scheduling-queue.js';
import { GenericScheduler } from './scheduling/generic-scheduler.js';
import { type CycleOutcome, scheduleOne } from './scheduling/schedule-one.js';
import { seededRandom } from './scheduling/seeded-random.js';

/** Options of the Scheduler. */
export interface SchedulerOptions {
  /** The cluster's API: the in-process `Api` or a `RemoteApi`. */
  api: ClusterApi;
  /**
   * Shared informers (e.g. a Manager's): the scheduler follows Nodes, Pods and Namespaces through them,
   * and Services, ReplicationControllers, ReplicaSets and StatefulSets for default topology spreading.
   */
  informers: InformerFactory;
  clock?: Clock;
  logger?: Logger;
  /** Default: one profile, `default-scheduler`, with the default plugins. */
  profiles?: Profile[];
  /** Default: the in-tree plugins. */
  registry?: PluginRegistry;
  /** Unset: adaptive, `max(5, 50 - nodes/125)` percent. */
  percentageOfNodesToScore?: number;
  /** Seeds tie-breaking between equally scored nodes. */
  seed?: number;
  /** Registers kube-scheduler's metrics here. */
  metrics?: Registry;
  /** How long an assumed pod may wait for its binding to show up in the informer. Default 30 s. */
  assumedPodTtlMs?: number;
}

/** Pods that will never run again hold no room. */
const isTerminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * kube-scheduler as a component: follows Nodes and Pods through informers
 * (and Namespaces, whose labels affinity terms' `namespaceSelector`s match,
 * and the Services and controllers default topology spreading reads),
 * queues the unbound pods whose `spec.schedulerName` names one of its
 * profiles, and schedules them one at a time (optimistic: the pod is
 * assumed on its node and the next pod is scheduled while it binds).
 *
 * Guarantees: one scheduling cycle at a time, so decisions never
 * double-book a node; a failed binding forgets the assumed pod and requeues
 * it with backoff; a pod that fits nowhere gets `PodScheduled=False`
 * (reason Unschedulable) with kube-scheduler's message, and is retried when
 * a relevant cluster event happens or after 5 minutes.
 *
 * Caveats: run one active Scheduler per profile name (use the Manager's
 * leader election for several replicas); bindings from another scheduler
 * are seen through the informer only.
 */
export class Scheduler extends LoopingComponent {
  private readonly api: ClusterApi;
  private readonly informers: InformerFactory;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly cache: SchedulerCache;
  private readonly snapshot = new Snapshot();
  private readonly client: ApiSchedulerClient;
  /** The scheduling queue; exposed for metrics and tests. */
  readonly queue: SchedulingQueue;
  private readonly frameworks = new Map<string, Framework>();
  private readonly algorithm: GenericScheduler;
  private readonly metrics: SchedulerMetrics;
  private readonly bindings = new Set<Promise<void>>();
  private podInformer?: SharedInformer<Pod>;
  private readonly workloads: InformerWorkloadLister;

  constructor(options: SchedulerOptions) {
    super('scheduler');
    this.api = options.api;
    this.informers = options.informers;
    this.clock = resolveClock(options.clock, options.api);
    this.logger = (options.logger ?? silentLogger()).child({ component: 'scheduler' });
    this.cache = new SchedulerCache({ clock: this.clock, assumedPodTtlMs: options.assumedPodTtlMs });
    this.client = new ApiSchedulerClient(options.api);
    const random = seededRandom(options.seed);
    const profiles = options.profiles ?? [defaultProfile()];
    const names = profiles.map((p) => p.schedulerName);
    if (names.length === 0 || new Set(names).size !== names.length) {
      throw new InvalidError('SchedulerOptions', 'profiles', [
        {
          field: 'profiles',
          message: `Invalid value: ${JSON.stringify(names)}: give at least one profile, each with its own schedulerName`,
        },
      ]);
    }
    const registry = options.registry ?? defaultRegistry();
    const nominator = new NominatedPods();
    this.workloads = new InformerWorkloadLister(options.informers, options.api.registry);
    for (const profile of profiles) {
      const fwk = new Framework(profile, {
        registry,
        clock: this.clock,
        logger: this.logger.child({ profile: profile.schedulerName }),
        client: this.client,
        nominator,
        random,
        snapshot: this.snapshot,
        workloads: this.workloads,
      });
      this.frameworks.set(profile.schedulerName, fwk);
    }
    // One queue for every profile, ordered by the first profile's QueueSort (kube-scheduler requires all to agree).
    const first = [...this.frameworks.values()][0];
    this.queue = new SchedulingQueue({
      clock: this.clock,
      nominator,
      less: (a, b) => first.queueSortLess(a, b),
      preEnqueue: (pod) => this.frameworks.get(schedulerNameOf(pod))!.runPreEnqueuePlugins(pod),
      relevantEvents: (plugins) => {
        const out = new Set<string>();
        for (const f of this.frameworks.values()) {
          const events = f.relevantEvents(plugins);
          if (!events) return undefined;
          for (const e of events) out.add(e);
        }
        return out;
      },
    });
    this.algorithm = new GenericScheduler({
      cache: this.cache,
      snapshot: this.snapshot,
      random,
      percentageOfNodesToScore: options.percentageOfNodesToScore,
    });
    this.metrics = options.metrics ? schedulerMetrics(options.metrics, () => this.queue.pending()) : noSchedulerMetrics;
  }

  /**
   * Starts the informers (if not yet started), marks ready once their first
   * lists are in, and schedules until `signal` aborts; returns after the last
   * running binding has finished.
   */
  protected async serve(signal: AbortSignal, ready: () => void): Promise<void> {
    const nodes = this.informers.for<Node>('Node');
    const pods = this.informers.for<Pod>('Pod');
    const namespaces = this.informers.for<Namespace>('Namespace');
    this.podInformer = pods;
    const subs: Subscription[] = [
      nodes.events$.subscribe((e) => this.onNode(e)),
      pods.events$.subscribe((e) => this.onPod(e)),
      namespaces.events$.subscribe((e) => this.onNamespace(e)),
    ];
    this.informers.start(signal);
    this.queue.run(signal);
    this.runAssumedExpiry(signal);
    try {
      await Promise.race([
        Promise.all([nodes.synced, pods.synced, namespaces.synced, this.workloads.synced]),
        aborted(signal),
      ]);
      if (!signal.aborted) ready();
      while (!signal.aborted) {
        const q = await this.queue.pop(signal);
        if (!q) break;
        await this.scheduleQueued(q);
      }
    } finally {
      for (const s of subs) s.unsubscribe();
      this.workloads.stopFollowing();
      this.queue.close();
      await Promise.allSettled([...this.bindings]);
    }
  }

  private async scheduleQueued(q: QueuedPodInfo): Promise<void> {
    const pod = q.podInfo.pod;
    const fwk = this.frameworks.get(schedulerNameOf(pod));
    if (!fwk || this.cache.hasPod(q.podInfo.key) || !this.stillPending(pod)) return;
    const cycle = this.queue.currentSchedulingCycle;
    const start = this.clock.now();
    const outcome = await scheduleOne({ algorithm: this.algorithm, cache: this.cache }, fwk, q.podInfo);
    const seconds = (this.clock.now() - start) / 1000;
    if (outcome.kind === 'assumed') {
      this.metrics.attempt('scheduled', fwk.schedulerName, seconds);
      this.queue.deleteNominatedPod(q.podInfo.key);
      this.track(this.afterBinding(q, outcome));
      return;
    }
    this.metrics.attempt(outcome.kind, fwk.schedulerName, seconds);
    await this.handleFailure(q, cycle, outcome);
  }

  private async afterBinding(q: QueuedPodInfo, outcome: Extract<CycleOutcome, { kind: 'assumed' }>): Promise<void> {
    const status = await outcome.binding;
    if (status.isSuccess()) {
      this.logger.debug({ pod: q.podInfo.key, node: outcome.nodeName }, 'bound');
      return;
    }
    this.logger.info({ pod: q.podInfo.key, node: outcome.nodeName, err: status.message() }, 'binding failed');
    await this.handleFailure(q, this.queue.currentSchedulingCycle, {
      kind: 'error',
      error: status.error ?? new Error(status.message()),
    });
  }

  /** Requeues a pod that did not get scheduled and tells its owner why, through its PodScheduled condition. */
  private async handleFailure(
    q: QueuedPodInfo,
    cycle: number,
    outcome: Exclude<CycleOutcome, { kind: 'assumed' }>,
  ): Promise<void> {
    const current = this.currentPod(q.podInfo.key);
    if (!current || !this.stillPending(current)) return;
    const fresh = { ...q, podInfo: q.podInfo.pod === current ? q.podInfo : new PodInfo(current) };
    try {
      if (outcome.kind === 'error') {
        this.queue.addBackoff(fresh);
        this.logger.warn({ pod: q.podInfo.key, err: outcome.error.message }, 'scheduling error');
        await this.client.setPodScheduledFalse(current, 'SchedulerError', outcome.error.message);
        return;
      }
      this.queue.addUnschedulable(fresh, cycle, outcome.error.unschedulablePlugins);
      if (outcome.nominatedNodeName) {
        const nominated = { ...current, status: { ...current.status, nominatedNodeName: outcome.nominatedNodeName } };
        this.queue.addNominatedPod(new PodInfo(nominated), outcome.nominatedNodeName);
        await this.client.setNominatedNodeName(current, outcome.nominatedNodeName);
      }
      await this.client.setPodScheduledFalse(current, 'Unschedulable', outcome.error.message);
    } catch (err) {
      this.logger.info({ pod: q.podInfo.key, err: (err as Error).message }, 'could not record scheduling failure');
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.logger.error({ err }, 'binding cycle failed'));
    this.bindings.add(tracked);
    void tracked.finally(() => this.bindings.delete(tracked));
  }

  private currentPod(key: string): Pod | undefined {
    const [namespace, name] = key.split('/');
    return this.podInformer?.cache.get(namespace, name) as Pod | undefined;
  }

  /** Unbound, not terminating, not finished. */
  private stillPending(pod: Pod): boolean {
    return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod);
  }

  private responsibleFor(pod: Pod): boolean {
    return this.frameworks.has(schedulerNameOf(pod));
  }

  private onNode(e: InformerEvent<Node>): void {
    const node = e.object as Node;
    if (e.type === 'deleted') {
      this.cache.removeNode(node.metadata.name);
      this.queue.moveAllToActiveOrBackoff('NodeDelete');
      return;
    }
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff(e.type === 'added' ? 'NodeAdd' : 'NodeUpdate');
  }

  private onNamespace(e: InformerEvent<Namespace>): void {
    const ns = e.object as Namespace;
    if (e.type === 'deleted') {
      this.cache.removeNamespace(ns.metadata.name);
      return;
    }
    // Only labels matter to the scheduler: status writes (phase, conditions) change nothing here.
    const old = e.oldObject as Namespace | undefined;
    if (e.type === 'updated' && old && sameLabels(old.metadata.labels, ns.metadata.labels)) return;
    this.cache.addNamespace(ns);
    if (e.type === 'updated') this.queue.moveAllToActiveOrBackoff('NamespaceUpdate');
  }

  private onPod(e: InformerEvent<Pod>): void {
    const pod = e.object as Pod;
    const old = e.oldObject as Pod | undefined;
    const bound = !!pod.spec.nodeName;
    if (e.type === 'deleted') {
      if (bound || this.cache.isAssumed(podKey(pod))) {
        this.cache.removePod(pod);
        this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      }
      this.queue.delete(pod);
      return;
    }
    if (bound) {
      this.queue.delete(pod);
      if (isTerminal(pod)) {
        this.cache.removePod(pod);
        this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
        return;
      }
      const wasBound = !!old?.spec.nodeName && e.type === 'updated';
      if (wasBound) this.cache.updatePod(pod);
      else this.cache.addPod(pod);
      this.queue.moveAllToActiveOrBackoff(wasBound ? 'AssignedPodUpdate' : 'AssignedPodAdd');
      return;
    }
    if (!this.responsibleFor(pod) || this.cache.isAssumed(podKey(pod))) return;
    if (!this.stillPending(pod)) {
      this.queue.delete(pod);
      return;
    }
    if (e.type === 'added') this.queue.add(pod);
    else if (!old || schedulingRelevantChange(old, pod)) this.queue.update(pod);
  }

  /** Forgets assumed pods whose binding never showed up, and requeues them if still pending. */
  private runAssumedExpiry(signal: AbortSignal, periodMs = 1000): void {
    const tick = () => {
      for (const key of this.cache.cleanupExpiredAssumedPods()) {
        const pod = this.currentPod(key);
        if (pod && this.stillPending(pod) && this.responsibleFor(pod)) this.queue.update(pod);
      }
      if (!signal.aborted) timer = this.clock.setTimeout(tick, periodMs);
    };
    let timer = this.clock.setTimeout(tick, periodMs);
    signal.addEventListener('abort', () => timer.cancel(), { once: true });
  }
}

/**
 * Whether an update to a pending pod can change where it fits: its spec,
 * labels or annotations. Status-only writes (the scheduler's own
 * PodScheduled=False, for one) must not send an unschedulable pod around
 * again.
 */
function schedulingRelevantChange(old: Pod, pod: Pod): boolean {
  return (
    JSON.stringify([old.spec, old.metadata.labels, old.metadata.annotations]) !==
    JSON.stringify([pod.spec, pod.metadata.labels, pod.metadata.annotations])
  );
}

/** Whether a namespace's labels changed (what namespaceSelectors read). */
function sameLabels(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
