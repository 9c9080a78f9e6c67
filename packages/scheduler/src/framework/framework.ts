import { type Clock, InvalidError, type Logger, type Pod } from '@flotilla/core';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { Snapshot } from '../cache/snapshot.js';
import { emptyWorkloadLister, type WorkloadLister } from '../plugins/pod-topology-spread/default-selector.js';
import { type CycleState, StateKey } from './cycle-state.js';
import type { FrameworkHandle, PodNominator, SchedulerClient } from './handle.js';
import type {
  BindPlugin,
  EnqueueExtensions,
  FilterPlugin,
  NodeScore,
  PermitPlugin,
  Plugin,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  QueuedPodRef,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from './plugin.js';
import { buildPlugin } from './plugin-config.js';
import type { Profile } from './profile.js';
import type { PluginRegistry } from './registry.js';
import { Status } from './status.js';
import { WaitingPod } from './waiting-pod.js';

/** Kubernetes' MaxNodeScore: every plugin's normalized score is within 0..100. */
export const MAX_NODE_SCORE = 100;

/** What a Framework needs besides its profile. */
export interface FrameworkOptions {
  registry: PluginRegistry;
  clock: Clock;
  logger: Logger;
  client: SchedulerClient;
  nominator: PodNominator;
  random: () => number;
  /** The snapshot the scheduling cycle fills; shared by every profile of one scheduler. */
  snapshot: Snapshot;
  /** Services and controllers plugins may read. Default: none known. */
  workloads?: WorkloadLister;
}

/** Plugins whose PreFilter said Skip in this cycle. */
const skippedFilters = new StateKey<Set<string>>('framework/skipped-filter');
/** The Filter plugins to run this cycle (those whose PreFilter did not Skip). */
const activeFilters = new StateKey<FilterPlugin[]>('framework/active-filters');
const skippedScores = new StateKey<Set<string>>('framework/skipped-score');

const has = <K extends string>(p: Plugin, method: K): boolean =>
  typeof (p as unknown as Record<string, unknown>)[method] === 'function';

/**
 * Runs one profile: builds its plugins from the registry and runs them at
 * each extension point with kube-scheduler's semantics (first rejecting
 * Filter wins; scores normalized per plugin and summed by weight; Reserve
 * failures unreserve in reverse order; Bind plugins tried in order until one
 * does not Skip).
 *
 * Guarantees: extension points run in profile order; a Filter or Score of a
 * plugin whose PreFilter/PreScore returned Skip is not run for that cycle.
 */
export class Framework implements FrameworkHandle {
  readonly schedulerName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly client: SchedulerClient;
  readonly nominator: PodNominator;
  readonly workloads: WorkloadLister;
  readonly plugins: readonly Plugin[];
  private readonly snap: Snapshot;
  private readonly rand: () => number;
  private readonly preEnqueue: PreEnqueuePlugin[];
  private readonly queueSort: QueueSortPlugin | undefined;
  private readonly preFilters: PreFilterPlugin[];
  private readonly filters: FilterPlugin[];
  private readonly postFilters: PostFilterPlugin[];
  private readonly preScores: PreScorePlugin[];
  private readonly scores: { plugin: ScorePlugin; weight: number }[];
  private readonly reserves: ReservePlugin[];
  private readonly permits: PermitPlugin[];
  private readonly preBinds: PreBindPlugin[];
  private readonly binds: BindPlugin[];
  private readonly postBinds: PostBindPlugin[];
  private readonly waiting = new Map<string, WaitingPod>();
  /** Reused per Score plugin across cycles, so scoring 500 nodes does not allocate 500 objects per plugin. */
  private readonly scoreBuffers: NodeScore[][] = [];

  constructor(profile: Profile, options: FrameworkOptions) {
    this.schedulerName = profile.schedulerName;
    this.clock = options.clock;
    this.logger = options.logger;
    this.client = options.client;
    this.nominator = options.nominator;
    this.rand = options.random;
    this.snap = options.snapshot;
    this.workloads = options.workloads ?? emptyWorkloadLister;
    const weights = new Map<string, number>();
    this.plugins = profile.plugins.map((cfg, i) => {
      weights.set(cfg.name, cfg.weight ?? 1);
      return buildPlugin(profile, i, options.registry, this);
    });
    const pick = <T extends Plugin>(method: string) => this.plugins.filter((p) => has(p, method)) as T[];
    this.preEnqueue = pick('preEnqueue');
    this.queueSort = pick<QueueSortPlugin>('less')[0];
    this.preFilters = pick('preFilter');
    this.filters = pick('filter');
    this.postFilters = pick('postFilter');
    this.preScores = pick('preScore');
    this.scores = pick<ScorePlugin>('score').map((plugin) => ({ plugin, weight: weights.get(plugin.name) ?? 1 }));
    this.reserves = pick('reserve');
    this.permits = pick('permit');
    this.preBinds = pick('preBind');
    this.binds = pick('bind');
    this.postBinds = pick('postBind');
  }

  random(): number {
    return this.rand();
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** The active queue's order: the QueueSort plugin's, else priority then age. */
  queueSortLess(a: QueuedPodRef, b: QueuedPodRef): boolean {
    if (this.queueSort) return this.queueSort.less(a, b);
    return a.podInfo.priority !== b.podInfo.priority
      ? a.podInfo.priority > b.podInfo.priority
      : a.timestamp < b.timestamp;
  }

  /** Cluster events that may help a pod rejected by `plugins` (all events when unknown). */
  relevantEvents(plugins: ReadonlySet<string>): Set<string> | undefined {
    const out = new Set<string>();
    for (const p of this.plugins) {
      if (!plugins.has(p.name)) continue;
      const events = (p as Partial<EnqueueExtensions>).events;
      if (!events) return undefined;
      for (const e of events) out.add(e);
    }
    return out;
  }

  /** Runs every PreEnqueue plugin; the first non-success status keeps the pod out of the active queue. */
  runPreEnqueuePlugins(pod: Pod): Status {
    for (const p of this.preEnqueue) {
      const s = p.preEnqueue(pod);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.success();
  }

  /** Runs PreFilter plugins; intersects their narrowed node sets. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterResult {
    const skipped = new Set<string>();
    state.write(skippedFilters, skipped);
    let nodeNames: Set<string> | undefined;
    for (const p of this.preFilters) {
      const r = p.preFilter(state, pod, nodes);
      if (r.status.code === 'Skip') {
        skipped.add(p.name);
        continue;
      }
      if (!r.status.isSuccess()) return { status: r.status.withPlugin(p.name) };
      if (r.nodeNames) {
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => r.nodeNames!.has(n))) : new Set(r.nodeNames);
        if (nodeNames.size === 0) {
          return {
            status: Status.unresolvable("node(s) didn't satisfy plugin(s) narrowing the node set").withPlugin(p.name),
          };
        }
      }
    }
    state.write(activeFilters, skipped.size ? this.filters.filter((f) => !skipped.has(f.name)) : this.filters);
    return { status: Status.success(), nodeNames };
  }

  /** Tells every PreFilter plugin's extensions that `podToAdd` now runs on `nodeInfo`. */
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status {
    return this.runExtensions(state, (ext) => ext.addPod(state, pod, podToAdd, nodeInfo));
  }

  /** Tells every PreFilter plugin's extensions that `podToRemove` is gone from `nodeInfo`. */
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status {
    return this.runExtensions(state, (ext) => ext.removePod(state, pod, podToRemove, nodeInfo));
  }

  /** Runs Filter plugins in order; the first non-success status is the node's answer. */
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const filters = state.read(activeFilters) ?? this.filters;
    for (const p of filters) {
      const s = p.filter(state, pod, nodeInfo);
      if (s.code !== 'Success') return s.withPlugin(p.name);
    }
    return Status.success();
  }

  /**
   * Filters with the node's nominated pods of higher or equal priority
   * counted (they will take the room preemption made for them), then
   * without them (anti-affinity to a nominated pod must not block), as
   * kube-scheduler does.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const onNode = this.nominator.nominatedPodsForNode(nodeInfo.name);
    const nominated = onNode.length ? onNode.filter((np) => np.key !== pod.key && np.priority >= pod.priority) : onNode;
    if (nominated.length > 0) {
      const withNominated = nodeInfo.clone();
      const stateCopy = state.clone();
      for (const np of nominated) {
        withNominated.addPod(np);
        const s = this.runPreFilterExtensionAddPod(stateCopy, pod, np, withNominated);
        if (!s.isSuccess()) return s;
      }
      const s = this.runFilterPlugins(stateCopy, pod, withNominated);
      if (!s.isSuccess()) return s;
    }
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  get hasPostFilter(): boolean {
    return this.postFilters.length > 0;
  }

  /** Runs PostFilter plugins until one succeeds (usually preemption nominating a node). */
  async runPostFilterPlugins(
    state: CycleState,
    pod: PodInfo,
    statuses: ReadonlyMap<string, Status>,
  ): Promise<PostFilterResult> {
    let last: PostFilterResult = { status: Status.unschedulable() };
    for (const p of this.postFilters) {
      const r = await p.postFilter(state, pod, statuses);
      if (r.status.isSuccess()) return r;
      if (r.status.code === 'Error') return { status: r.status.withPlugin(p.name) };
      last = { ...r, status: r.status.withPlugin(p.name) };
    }
    return last;
  }

  /**
   * PreScore, Score, NormalizeScore and weighting over the feasible nodes.
   * Returns each node's total, in the order of `nodes`.
   */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Float64Array {
    const skipped = new Set<string>();
    state.write(skippedScores, skipped);
    for (const p of this.preScores) {
      const s = p.preScore(state, pod, nodes);
      if (s.code === 'Skip') skipped.add(p.name);
      else if (!s.isSuccess()) throw s.error ?? new Error(`PreScore ${p.name}: ${s.message()}`);
    }
    const totals = new Float64Array(nodes.length);
    for (let p = 0; p < this.scores.length; p++) {
      const { plugin, weight } = this.scores[p];
      if (skipped.has(plugin.name)) continue;
      const scores = this.scoreBuffer(p, nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        scores[i].name = nodes[i].name;
        scores[i].score = plugin.score(state, pod, nodes[i]);
      }
      if (plugin.normalizeScore) {
        const s = plugin.normalizeScore(state, pod, scores);
        if (!s.isSuccess()) throw s.error ?? new Error(`NormalizeScore ${plugin.name}: ${s.message()}`);
      }
      for (let i = 0; i < scores.length; i++) {
        const v = scores[i].score;
        if (!(v >= 0 && v <= MAX_NODE_SCORE)) {
          throw new InvalidError('Plugin', plugin.name, [
            {
              field: 'score',
              message: `Invalid value: ${v}: node ${scores[i].name} must score within 0..${MAX_NODE_SCORE}; normalize raw scores in normalizeScore`,
            },
          ]);
        }
        totals[i] += v * weight;
      }
    }
    return totals;
  }

  private scoreBuffer(plugin: number, size: number): NodeScore[] {
    const buf = this.scoreBuffers[plugin] ?? [];
    this.scoreBuffers[plugin] = buf;
    for (let i = buf.length; i < size; i++) buf.push({ name: '', score: 0 });
    buf.length = size;
    return buf;
  }

  /** Reserve in order; on failure unreserves every plugin (in reverse) and returns the failure. */
  runReservePlugins(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.reserves) {
      const s = p.reserve(state, pod, nodeName);
      if (!s.isSuccess()) {
        this.runUnreservePlugins(state, pod, nodeName);
        return s.withPlugin(p.name);
      }
    }
    return Status.success();
  }

  /** Runs every Reserve plugin's `unreserve`, in reverse order. */
  runUnreservePlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserves.length - 1; i >= 0; i--) this.reserves[i].unreserve(state, pod, nodeName);
  }

  /** Permit: a rejection wins; otherwise Wait registers a WaitingPod with each plugin's timeout. */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): Status {
    const waits = new Map<string, number>();
    for (const p of this.permits) {
      const r = p.permit(state, pod, nodeName);
      if (r.status.code === 'Wait') waits.set(p.name, r.timeoutMs ?? 0);
      else if (!r.status.isSuccess()) return r.status.withPlugin(p.name);
    }
    if (waits.size === 0) return Status.success();
    this.waiting.set(pod.pod.metadata.uid ?? pod.key, new WaitingPod(pod, waits, this.clock));
    return Status.wait();
  }

  /** Resolves when a waiting pod is allowed (Success) or rejected; Success at once if it is not waiting. */
  async waitOnPermit(pod: PodInfo): Promise<Status> {
    const id = pod.pod.metadata.uid ?? pod.key;
    const wp = this.waiting.get(id);
    if (!wp) return Status.success();
    try {
      return await wp.result;
    } finally {
      this.waiting.delete(id);
    }
  }

  /** A pod held by Permit, by uid (or `namespace/name` for pods without uid). */
  getWaitingPod(id: string): WaitingPod | undefined {
    return this.waiting.get(id);
  }

  /** Runs the PreBind plugins in order, stopping at the first failure. */
  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.preBinds) {
      const s = await p.preBind(state, pod, nodeName);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.success();
  }

  /** Bind plugins in order until one does not Skip. */
  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.binds) {
      const s = await p.bind(state, pod, nodeName);
      if (s.code !== 'Skip') return s.withPlugin(p.name);
    }
    return Status.error(new Error(`no Bind plugin bound pod ${pod.key}: enable DefaultBinder or a binder of your own`));
  }

  /** Tells every PostBind plugin that the pod is bound. */
  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of this.postBinds) p.postBind(state, pod, nodeName);
  }

  private runExtensions(
    state: CycleState,
    fn: (ext: NonNullable<PreFilterPlugin['preFilterExtensions']>) => Status,
  ): Status {
    const skipped = state.read(skippedFilters);
    for (const p of this.preFilters) {
      if (!p.preFilterExtensions || skipped?.has(p.name)) continue;
      const s = fn(p.preFilterExtensions);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.success();
  }
}
