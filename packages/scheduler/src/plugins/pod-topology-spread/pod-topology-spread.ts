import type { Node, Pod } from '@flotilla/core';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { type CloneableState, type CycleState, StateKey } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE } from '../../framework/framework.js';
import type { FrameworkHandle } from '../../framework/handle.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  NodeScore,
  PreFilterExtensions,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';
import {
  countsForConstraint,
  type DefaultSpreadConstraint,
  hasAllTopologyKeys,
  type SpreadConstraint,
  selects,
  spreadConstraintsOf,
  spreadNodeFilter,
} from './spread-constraint.js';
import { SpreadCountCache } from './spread-count-cache.js';

/** Name of the PodTopologySpread plugin. */
export const PodTopologySpreadName = 'PodTopologySpread';

/** Arguments of PodTopologySpread. */
export interface PodTopologySpreadArgs {
  /** Constraints for pods that declare none. Default: none (Kubernetes' "List" defaulting with an empty list). */
  defaultConstraints?: DefaultSpreadConstraint[];
}

/** Kubernetes' system default constraints, for `defaultConstraints` when wanted. */
export const SYSTEM_DEFAULT_SPREAD_CONSTRAINTS: readonly DefaultSpreadConstraint[] = [
  { maxSkew: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
];

/** Matching pods per topology domain, per constraint: what Filter and its extensions share. */
class SpreadCounts implements CloneableState {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    readonly counts: Map<string, number>[],
    private readonly nodeCounts: (node: Node) => boolean,
  ) {}

  clone(): SpreadCounts {
    return new SpreadCounts(
      this.constraints,
      this.counts.map((m) => new Map(m)),
      this.nodeCounts,
    );
  }

  /** The smallest count among domains, or 0 while there are fewer domains than minDomains. */
  minMatch(i: number): number {
    const m = this.counts[i];
    if (m.size < this.constraints[i].minDomains) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const v of m.values()) if (v < min) min = v;
    return min === Number.POSITIVE_INFINITY ? 0 : min;
  }

  update(incoming: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): void {
    const node = nodeInfo.node;
    if (!node || !this.nodeCounts(node)) return;
    this.constraints.forEach((c, i) => {
      if (!countsForConstraint(incoming.pod, other.pod, c)) return;
      const value = node.metadata.labels![c.topologyKey];
      this.counts[i].set(value, (this.counts[i].get(value) ?? 0) + delta);
    });
  }
}

/** Score state: per-constraint counts over all nodes and normalizing weights. */
interface SpreadScoreState {
  constraints: readonly SpreadConstraint[];
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}

const filterKey = new StateKey<SpreadCounts>('PodTopologySpread/filter');
const scoreKey = new StateKey<SpreadScoreState>('PodTopologySpread/score');

/**
 * What decides which pods and nodes a set of constraints counts: pods with
 * the same signature share counts (see SpreadCountCache).
 */
function spreadSignature(pod: Pod, constraints: readonly SpreadConstraint[]): string {
  const honorTaints = constraints.some((c) => c.honorNodeTaints);
  return JSON.stringify([
    pod.metadata.namespace ?? 'default',
    constraints.map((c) => [c.topologyKey, c.selectorKey, c.honorNodeAffinity, c.honorNodeTaints]),
    pod.spec.nodeSelector ?? null,
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    honorTaints ? (pod.spec.tolerations ?? null) : null,
  ]);
}

/**
 * Spreads pods matching a selector evenly over topology domains. Filter
 * (DoNotSchedule constraints): a node is rejected if placing the pod there
 * makes its domain exceed the least populated domain by more than maxSkew
 * (the minimum counts as 0 while fewer than minDomains domains exist).
 * Score (ScheduleAnyway constraints): fewer matching pods in the node's
 * domain is better, weighted by log(domains + 2).
 */
export class PodTopologySpread
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = PodTopologySpreadName;
  readonly events: readonly ClusterEvent[] = [
    'NodeAdd',
    'NodeUpdate',
    'NodeDelete',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
  ];
  private readonly defaults: readonly DefaultSpreadConstraint[];
  private readonly countCache = new SpreadCountCache();

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, other, nodeInfo) => this.updateCounts(state, pod, other, nodeInfo, 1),
    removePod: (state, pod, other, nodeInfo) => this.updateCounts(state, pod, other, nodeInfo, -1),
  };

  constructor(
    private readonly handle: FrameworkHandle,
    args: PodTopologySpreadArgs = {},
  ) {
    this.defaults = args.defaultConstraints ?? [];
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterResult {
    const constraints = spreadConstraintsOf(pod.pod, 'DoNotSchedule', this.defaults);
    if (constraints.length === 0) return { status: Status.skip() };
    const nodeCounts = spreadNodeFilter(pod.pod, constraints);
    const counts = this.countCache.counts(
      spreadSignature(pod.pod, constraints),
      pod.pod,
      this.handle.snapshot().nodeInfoList,
      constraints,
      nodeCounts,
    );
    state.write(filterKey, new SpreadCounts(constraints, counts, nodeCounts));
    return { status: Status.success() };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const s = state.read(filterKey);
    if (!s) return Status.success();
    const labels = nodeInfo.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const value = labels[c.topologyKey];
      if (value === undefined) {
        return Status.unresolvable("node(s) didn't match pod topology spread constraints (missing required label)");
      }
      const self = selects(c, pod.pod) ? 1 : 0;
      const skew = (s.counts[i].get(value) ?? 0) + self - s.minMatch(i);
      if (skew > c.maxSkew) return Status.unschedulable("node(s) didn't match pod topology spread constraints");
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    const constraints = spreadConstraintsOf(pod.pod, 'ScheduleAnyway', this.defaults);
    if (constraints.length === 0) return Status.skip();
    const ignored = new Set<string>();
    const domains = constraints.map(() => new Set<string>());
    for (const n of nodes) {
      if (!n.node || !hasAllTopologyKeys(n.node, constraints)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => {
        domains[i].add(n.labels[c.topologyKey]);
      });
    }
    const counts = this.countCache.counts(
      spreadSignature(pod.pod, constraints),
      pod.pod,
      this.handle.snapshot().nodeInfoList,
      constraints,
      spreadNodeFilter(pod.pod, constraints),
    );
    state.write(scoreKey, { constraints, counts, weights: domains.map((d) => Math.log(d.size + 2)), ignored });
    return Status.success();
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read(scoreKey)!;
    if (s.ignored.has(nodeInfo.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const count = s.counts[i].get(nodeInfo.labels[c.topologyKey]) ?? 0;
      score += count * s.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status {
    const s = state.read(scoreKey)!;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const n of scores) {
      if (s.ignored.has(n.name)) continue;
      min = Math.min(min, n.score);
      max = Math.max(max, n.score);
    }
    for (const n of scores) {
      if (s.ignored.has(n.name)) n.score = 0;
      else if (max === 0) n.score = MAX_NODE_SCORE;
      else n.score = Math.floor((MAX_NODE_SCORE * (max + min - n.score)) / max);
    }
    return Status.success();
  }

  private updateCounts(state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status {
    state.read(filterKey)?.update(pod, other, nodeInfo, delta);
    return Status.success();
  }
}

/** Factory for the registry. */
export const newPodTopologySpread = (args: unknown, handle: FrameworkHandle): PodTopologySpread =>
  new PodTopologySpread(handle, (args ?? {}) as PodTopologySpreadArgs);
