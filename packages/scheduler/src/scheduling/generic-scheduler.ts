import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { SchedulerCache } from '../cache/scheduler-cache.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import { Status } from '../framework/status.js';
import { FitError } from './fit-error.js';
import { numFeasibleNodesToFind } from './nodes-to-find.js';

/** Where a pod should go. */
export interface ScheduleResult {
  suggestedHost: string;
}

/** Options of the GenericScheduler. */
export interface GenericSchedulerOptions {
  cache: SchedulerCache;
  snapshot: Snapshot;
  random: () => number;
  /** Percentage of nodes to find feasible before scoring; unset = adaptive. */
  percentageOfNodesToScore?: number;
  /** Nodes filtered between two yields to the event loop. Default 256. */
  filterChunkSize?: number;
}

/** Lets timers, I/O and promise callbacks run between filter chunks. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * kube-scheduler's core algorithm: refresh the snapshot, PreFilter, Filter
 * nodes (starting where the last cycle stopped, until enough feasible nodes
 * are found), Score the feasible ones and pick the best, ties at random.
 *
 * Guarantees: a returned node passed every Filter against the snapshot
 * (nominated pods of higher or equal priority counted); a FitError carries
 * every rejected node's status.
 */
export class GenericScheduler {
  private readonly cache: SchedulerCache;
  readonly snapshot: Snapshot;
  private readonly random: () => number;
  private readonly percentage: number | undefined;
  private readonly chunk: number;
  private nextStartNodeIndex = 0;

  constructor(options: GenericSchedulerOptions) {
    this.cache = options.cache;
    this.snapshot = options.snapshot;
    this.random = options.random;
    this.percentage = options.percentageOfNodesToScore;
    this.chunk = options.filterChunkSize ?? 256;
  }

  /** Finds the node for `pod`, or throws FitError (or an Error from a plugin). */
  async schedulePod(fwk: Framework, state: CycleState, pod: PodInfo): Promise<ScheduleResult> {
    this.cache.updateSnapshot(this.snapshot);
    const all = this.snapshot.nodeInfoList;
    if (all.length === 0) throw new FitError(0, new Map());
    const { feasible, statuses } = await this.findNodesThatFit(fwk, state, pod);
    if (feasible.length === 0) throw new FitError(all.length, statuses);
    if (feasible.length === 1) return { suggestedHost: feasible[0].name };
    const totals = fwk.runScorePlugins(state, pod, feasible);
    return { suggestedHost: this.selectHost(feasible, totals) };
  }

  private async findNodesThatFit(fwk: Framework, state: CycleState, pod: PodInfo) {
    const all = this.snapshot.nodeInfoList;
    const statuses = new Map<string, Status>();
    const pre = fwk.runPreFilterPlugins(state, pod, all);
    if (!pre.status.isSuccess()) {
      if (pre.status.code === 'Error') throw pre.status.error ?? new Error(pre.status.message());
      for (const n of all) statuses.set(n.name, pre.status);
      throw new FitError(all.length, statuses, pre.status);
    }
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.snapshot.get(nominated);
      if (ni && (!pre.nodeNames || pre.nodeNames.has(nominated))) {
        const s = fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
        if (s.isSuccess()) return { feasible: [ni], statuses };
      }
    }
    let nodes: readonly NodeInfo[] = all;
    if (pre.nodeNames) {
      nodes = [...pre.nodeNames].map((n) => this.snapshot.get(n)).filter((n): n is NodeInfo => n !== undefined);
      const unresolvable = Status.unresolvable("node(s) didn't satisfy plugin(s) narrowing the node set");
      for (const n of all) if (!pre.nodeNames.has(n.name)) statuses.set(n.name, unresolvable);
    }
    const want = numFeasibleNodesToFind(nodes.length, this.percentage);
    const feasible: NodeInfo[] = [];
    const start = pre.nodeNames ? 0 : this.nextStartNodeIndex % Math.max(nodes.length, 1);
    let evaluated = 0;
    while (evaluated < nodes.length && feasible.length < want) {
      const end = Math.min(evaluated + this.chunk, nodes.length);
      for (; evaluated < end && feasible.length < want; evaluated++) {
        const ni = nodes[(start + evaluated) % nodes.length];
        const s = fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
        if (s.isSuccess()) feasible.push(ni);
        else if (s.code === 'Error') throw s.error ?? new Error(s.message());
        else statuses.set(ni.name, s);
      }
      if (evaluated < nodes.length && feasible.length < want) await yieldToEventLoop();
    }
    if (!pre.nodeNames) this.nextStartNodeIndex = (start + evaluated) % Math.max(nodes.length, 1);
    return { feasible, statuses };
  }

  /** The highest total; among equals each is picked with equal chance (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], totals: Float64Array): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best].name;
  }
}
