import {
  type FieldError,
  InvalidError,
  type LabelSelector,
  type Node,
  type Pod,
  type TopologySpreadConstraint,
} from '@flotilla/core';
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
import { defaultSpreadSelector } from './default-selector.js';
import {
  countsForConstraint,
  type DefaultSpreadConstraint,
  hasAllTopologyKeys,
  type SpreadConstraint,
  selects,
  spreadConstraintsOf,
  spreadNodeFilter,
} from './spread-constraint.js';
import { type DomainTotal, podsByDomain, SpreadCountCache } from './spread-count-cache.js';

const HOSTNAME = 'kubernetes.io/hostname';

/** Name of the PodTopologySpread plugin. */
export const PodTopologySpreadName = 'PodTopologySpread';

/**
 * Arguments of PodTopologySpread, as kube-scheduler's
 * PodTopologySpreadArgs. `System` (the default) spreads pods that declare
 * no constraints with SYSTEM_DEFAULT_SPREAD_CONSTRAINTS; `List` uses
 * `defaultConstraints` (none when empty). Either way the defaults apply
 * only to pods selected by a Service, ReplicationController, ReplicaSet or
 * StatefulSet, counting the pods those select.
 */
export interface PodTopologySpreadArgs {
  /** `System` (default) or `List`. */
  defaultingType?: 'System' | 'List';
  /** Constraints for pods that declare none, with `List` defaulting only (must be empty with `System`). */
  defaultConstraints?: DefaultSpreadConstraint[];
}

/** Kubernetes' system default constraints, used with `defaultingType: 'System'`. */
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

/** Score state: per-constraint counts over all nodes (the count cache's own, read-only) and normalizing weights. */
interface SpreadScoreState {
  constraints: readonly SpreadConstraint[];
  counts: readonly ReadonlyMap<string, Readonly<DomainTotal>>[];
  weights: number[];
  ignored: Set<string>;
}

const filterKey = new StateKey<SpreadCounts>('PodTopologySpread/filter');
const scoreKey = new StateKey<SpreadScoreState>('PodTopologySpread/score');

/**
 * What decides which pods and nodes a set of constraints counts: pods with
 * the same signature share counts (see SpreadCountCache).
 */
function spreadSignature(pod: Pod, constraints: readonly SpreadConstraint[], requireAllKeys = true): string {
  const honorTaints = constraints.some((c) => c.honorNodeTaints);
  return JSON.stringify([
    requireAllKeys,
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
  private readonly systemDefaulted: boolean;
  private readonly defaultSelector: (pod: Pod) => LabelSelector | undefined;
  private readonly countCache = new SpreadCountCache();

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, other, nodeInfo) => this.updateCounts(state, pod, other, nodeInfo, 1),
    removePod: (state, pod, other, nodeInfo) => this.updateCounts(state, pod, other, nodeInfo, -1),
  };

  constructor(
    private readonly handle: FrameworkHandle,
    args: PodTopologySpreadArgs = {},
  ) {
    const errors = validatePodTopologySpreadArgs(args);
    if (errors.length) throw new InvalidError('PodTopologySpreadArgs', PodTopologySpreadName, errors);
    this.systemDefaulted = (args.defaultingType ?? 'System') === 'System';
    this.defaults = this.systemDefaulted ? SYSTEM_DEFAULT_SPREAD_CONSTRAINTS : (args.defaultConstraints ?? []);
    this.defaultSelector = (pod) => defaultSpreadSelector(pod, handle.workloads);
  }

  private constraintsOf(pod: Pod, when: TopologySpreadConstraint['whenUnsatisfiable']): SpreadConstraint[] {
    return spreadConstraintsOf(pod, when, this.defaults, this.defaultSelector);
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterResult {
    const constraints = this.constraintsOf(pod.pod, 'DoNotSchedule');
    if (constraints.length === 0) return { status: Status.skip() };
    const nodeCounts = spreadNodeFilter(pod.pod, constraints);
    const counts = podsByDomain(
      this.countCache.counts(
        spreadSignature(pod.pod, constraints),
        pod.pod,
        this.handle.snapshot(),
        constraints,
        nodeCounts,
      ),
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
    const constraints = this.constraintsOf(pod.pod, 'ScheduleAnyway');
    if (constraints.length === 0) return Status.skip();
    // Only declared or List-defaulted constraints need every topology key: with System defaulting
    // a node without a zone label is still spread over by hostname (as kube-scheduler does).
    const requireAllKeys = (pod.pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const domains = constraints.map(() => new Set<string>());
    // Hostname domains are counted as the scored nodes below, so only the other keys' domains are collected.
    const collected = constraints.flatMap((c, i) => (c.topologyKey === HOSTNAME ? [] : [i]));
    for (const n of nodes) {
      if (!n.node || (requireAllKeys && !hasAllTopologyKeys(n.node, constraints))) {
        ignored.add(n.name);
        continue;
      }
      // A node without the key (System defaulting only) forms the domain "" (kube-scheduler reads the label as "").
      const labels = n.labels;
      for (const i of collected) domains[i].add(labels[constraints[i].topologyKey] ?? '');
    }
    const counts = this.countCache.counts(
      spreadSignature(pod.pod, constraints, requireAllKeys),
      pod.pod,
      this.handle.snapshot(),
      constraints,
      spreadNodeFilter(pod.pod, constraints, requireAllKeys),
    );
    // Every scored node is its own hostname domain, labelled or not (kube-scheduler sizes it so).
    const sizes = constraints.map((c, i) =>
      c.topologyKey === HOSTNAME ? nodes.length - ignored.size : domains[i].size,
    );
    state.write(scoreKey, { constraints, counts, weights: sizes.map((n) => Math.log(n + 2)), ignored });
    return Status.success();
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read(scoreKey)!;
    if (s.ignored.has(nodeInfo.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const value = nodeInfo.labels[c.topologyKey];
      if (value === undefined) return;
      score += (s.counts[i].get(value)?.pods ?? 0) * s.weights[i] + (c.maxSkew - 1);
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

/** Field errors of PodTopologySpread's args (kube-scheduler's ValidatePodTopologySpreadArgs), paths relative to the args. */
export function validatePodTopologySpreadArgs(args: PodTopologySpreadArgs): FieldError[] {
  const errors: FieldError[] = [];
  const type = args.defaultingType ?? 'System';
  if (type !== 'System' && type !== 'List') {
    errors.push({
      field: 'defaultingType',
      message: `Unsupported value: "${type}": supported values: "List", "System"`,
    });
  }
  const list = args.defaultConstraints ?? [];
  if (type === 'System' && list.length > 0) {
    errors.push({ field: 'defaultConstraints', message: 'Invalid value: must be empty for System defaulting type' });
  }
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const at = `defaultConstraints[${i}]`;
    if (!Number.isInteger(c.maxSkew) || c.maxSkew <= 0) {
      errors.push({ field: `${at}.maxSkew`, message: `Invalid value: ${c.maxSkew}: must be greater than zero` });
    }
    if (!c.topologyKey) errors.push({ field: `${at}.topologyKey`, message: 'Required value: can not be empty' });
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      errors.push({
        field: `${at}.whenUnsatisfiable`,
        message: `Unsupported value: "${c.whenUnsatisfiable}": supported values: "DoNotSchedule", "ScheduleAnyway"`,
      });
    }
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(pair))
      errors.push({ field: at, message: `Duplicate value: {${c.topologyKey}, ${c.whenUnsatisfiable}}` });
    seen.add(pair);
  });
  return errors;
}

/** Factory for the registry. */
export const newPodTopologySpread = (args: unknown, handle: FrameworkHandle): PodTopologySpread =>
  new PodTopologySpread(handle, (args ?? {}) as PodTopologySpreadArgs);
