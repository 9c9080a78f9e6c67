import { InvalidError, intInRange, type Node } from '@flotilla/core';
import type { AffinityTerm } from '../../cache/affinity-term.js';
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
import { TopologyCounts } from './topology-counts.js';

/** Name of the InterPodAffinity plugin. */
export const InterPodAffinityName = 'InterPodAffinity';

/** Arguments of InterPodAffinity. */
export interface InterPodAffinityArgs {
  /** Score weight of existing pods' required affinity terms that the incoming pod matches. Default 1. */
  hardPodAffinityWeight?: number;
}

/**
 * The node label whose value is one node: anti-affinity terms by this key
 * are checked against the node's own pods in Filter instead of counted over
 * the whole cluster in PreFilter (kube-scheduler's hostname fast path).
 */
const HOSTNAME = 'kubernetes.io/hostname';
const isHostScoped = (t: AffinityTerm) => t.topologyKey === HOSTNAME;

/** PreFilter's counts (cluster-scoped terms only), changed by preemption's add/remove pod extensions. */
class AffinityFilterState implements CloneableState {
  constructor(
    /** The incoming pod with its terms' namespace selectors resolved for this cycle. */
    readonly incoming: PodInfo,
    /** The labels of the incoming pod's namespace, for existing pods' namespace selectors. */
    readonly namespaceLabels: Readonly<Record<string, string>> | undefined,
    /** Existing pods' required anti-affinity terms matching the incoming pod, by their topology pairs. */
    readonly existingAnti = new TopologyCounts(),
    /** Pods matching all of the incoming pod's required affinity terms. */
    readonly affinity = new TopologyCounts(),
    /** Pods matching each of the incoming pod's cluster-scoped required anti-affinity terms. */
    readonly anti = new TopologyCounts(),
  ) {}

  clone(): AffinityFilterState {
    return new AffinityFilterState(
      this.incoming,
      this.namespaceLabels,
      this.existingAnti.clone(),
      this.affinity.clone(),
      this.anti.clone(),
    );
  }

  /** True if one of `existing`'s required anti-affinity terms by hostname is about the incoming pod. */
  rejectedOnHostBy(existing: PodInfo): boolean {
    return existing.requiredAntiAffinityTerms.some(
      (t) => isHostScoped(t) && t.matches(this.incoming.pod, this.namespaceLabels),
    );
  }

  /** Accounts `other` on `node` (delta 1) or takes it away (-1). */
  update(other: PodInfo, node: Node, delta: 1 | -1): void {
    const labels = node.metadata.labels ?? {};
    const at = (counts: TopologyCounts, term: AffinityTerm) => {
      const v = labels[term.topologyKey];
      if (v !== undefined) counts.add(term.topologyKey, v, delta);
    };
    for (const t of other.requiredAntiAffinityTerms) {
      if (!isHostScoped(t) && t.matches(this.incoming.pod, this.namespaceLabels)) at(this.existingAnti, t);
    }
    const { requiredAffinityTerms, requiredAntiAffinityTerms } = this.incoming;
    if (requiredAffinityTerms.length && requiredAffinityTerms.every((t) => t.matches(other.pod))) {
      for (const t of requiredAffinityTerms) at(this.affinity, t);
    }
    for (const t of requiredAntiAffinityTerms) {
      if (!isHostScoped(t) && t.matches(other.pod)) at(this.anti, t);
    }
  }
}

/** Per topology pair, the preferred-term score sum. */
interface AffinityScoreState {
  scores: Map<string, Map<string, number>>;
}

const filterKey = new StateKey<AffinityFilterState>('InterPodAffinity/filter');
const scoreKey = new StateKey<AffinityScoreState>('InterPodAffinity/score');

/**
 * Places pods relative to other pods by topology domain. Filter: the
 * incoming pod's required affinity (some matching pod in the node's domain,
 * or none anywhere when the pod matches its own terms: the first of a
 * group), its required anti-affinity (no matching pod in the domain), and
 * existing pods' required anti-affinity against the incoming pod. Score:
 * preferred terms of both sides, summed per domain and scaled to 0..100.
 *
 * Terms' `namespaceSelector`s are resolved against the snapshot's
 * namespace labels once per cycle (see `AffinityTerm`).
 *
 * Caveats: anti-affinity terms by `kubernetes.io/hostname` are checked
 * against the node's own pods (kube-scheduler's hostname fast path), which
 * assumes, as Kubernetes does, that no two nodes share a hostname label.
 */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = InterPodAffinityName;
  readonly events: readonly ClusterEvent[] = [
    'NodeAdd',
    'NodeUpdate',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
    // A relabelled namespace changes which pods a namespaceSelector term is about.
    'NamespaceUpdate',
  ];
  private readonly hardWeight: number;

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, _pod, other, nodeInfo) => this.updateState(state, other, nodeInfo, 1),
    removePod: (state, _pod, other, nodeInfo) => this.updateState(state, other, nodeInfo, -1),
  };

  constructor(
    private readonly handle: FrameworkHandle,
    args: InterPodAffinityArgs = {},
  ) {
    // kube-scheduler's ValidateInterPodAffinityArgs.
    const errors = intInRange('hardPodAffinityWeight', args.hardPodAffinityWeight, 0, 100);
    if (errors.length) throw new InvalidError('InterPodAffinityArgs', InterPodAffinityName, errors);
    this.hardWeight = args.hardPodAffinityWeight ?? 1;
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterResult {
    const snap = this.handle.snapshot();
    if (
      snap.havePodsWithRequiredAntiAffinityList.length === 0 &&
      !pod.requiredAffinityTerms.length &&
      !pod.requiredAntiAffinityTerms.length
    ) {
      return { status: Status.skip() };
    }
    const incoming = pod.resolveNamespaces(snap.namespaces);
    const affinity = incoming.requiredAffinityTerms;
    const clusterAnti = incoming.requiredAntiAffinityTerms.filter((t) => !isHostScoped(t));
    const s = new AffinityFilterState(incoming, snap.namespaces.labelsOf(pod.pod.metadata.namespace));
    for (const n of snap.havePodsWithRequiredAntiAffinityList) {
      if (!n.node) continue;
      for (const existing of n.podsWithRequiredAntiAffinity) {
        for (const t of existing.requiredAntiAffinityTerms) {
          if (isHostScoped(t)) continue;
          const v = n.labels[t.topologyKey];
          if (v !== undefined && t.matches(pod.pod, s.namespaceLabels)) s.existingAnti.add(t.topologyKey, v, 1);
        }
      }
    }
    if (affinity.length || clusterAnti.length) {
      for (const n of snap.nodeInfoList) {
        if (n.pods.length === 0 || !n.node) continue;
        const labels = n.labels;
        for (const other of n.pods) {
          if (affinity.length && affinity.every((t) => t.matches(other.pod))) {
            for (const t of affinity) {
              const v = labels[t.topologyKey];
              if (v !== undefined) s.affinity.add(t.topologyKey, v, 1);
            }
          }
          for (const t of clusterAnti) {
            const v = labels[t.topologyKey];
            if (v !== undefined && t.matches(other.pod)) s.anti.add(t.topologyKey, v, 1);
          }
        }
      }
    }
    state.write(filterKey, s);
    return { status: Status.success() };
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): Status {
    const s = state.read(filterKey);
    if (!s) return Status.success();
    const { incoming } = s;
    const labels = nodeInfo.labels;
    if (incoming.requiredAffinityTerms.length) {
      const here = incoming.requiredAffinityTerms.every((t) => {
        const v = labels[t.topologyKey];
        return v !== undefined && s.affinity.get(t.topologyKey, v) > 0;
      });
      const firstOfGroup =
        s.affinity.empty &&
        incoming.requiredAffinityTerms.every((t) => t.matches(incoming.pod) && labels[t.topologyKey] !== undefined);
      if (!here && !firstOfGroup) return Status.unresolvable("node(s) didn't match pod affinity rules");
    }
    const onHost = labels[HOSTNAME] !== undefined;
    for (const t of incoming.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v === undefined) continue;
      const clash = isHostScoped(t) ? nodeInfo.pods.some((p) => t.matches(p.pod)) : s.anti.get(t.topologyKey, v) > 0;
      if (clash) return Status.unschedulable("node(s) didn't match pod anti-affinity rules");
    }
    for (const key of s.existingAnti.keys()) {
      const v = labels[key];
      if (v !== undefined && s.existingAnti.get(key, v) > 0) return existingAntiAffinityRejects();
    }
    if (onHost && nodeInfo.podsWithRequiredAntiAffinity.some((p) => s.rejectedOnHostBy(p))) {
      return existingAntiAffinityRejects();
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const snap = this.handle.snapshot();
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    if (!hasPreferred && snap.havePodsWithAffinityList.length === 0) return Status.skip();
    const incoming = pod.resolveNamespaces(snap.namespaces);
    const nsLabels = snap.namespaces.labelsOf(pod.pod.metadata.namespace);
    const scores = new Map<string, Map<string, number>>();
    const add = (term: AffinityTerm, node: NodeInfo, weight: number) => {
      const v = node.labels[term.topologyKey];
      if (v === undefined || weight === 0) return;
      let byValue = scores.get(term.topologyKey);
      if (!byValue) {
        byValue = new Map();
        scores.set(term.topologyKey, byValue);
      }
      byValue.set(v, (byValue.get(v) ?? 0) + weight);
    };
    const nodes = hasPreferred ? snap.nodeInfoList : snap.havePodsWithAffinityList;
    for (const n of nodes) {
      if (!n.node) continue;
      for (const other of hasPreferred ? n.pods : n.podsWithAffinity) {
        for (const w of incoming.preferredAffinityTerms) if (w.term.matches(other.pod)) add(w.term, n, w.weight);
        for (const w of incoming.preferredAntiAffinityTerms) if (w.term.matches(other.pod)) add(w.term, n, -w.weight);
        for (const t of other.requiredAffinityTerms) if (t.matches(pod.pod, nsLabels)) add(t, n, this.hardWeight);
        for (const w of other.preferredAffinityTerms) if (w.term.matches(pod.pod, nsLabels)) add(w.term, n, w.weight);
        for (const w of other.preferredAntiAffinityTerms) {
          if (w.term.matches(pod.pod, nsLabels)) add(w.term, n, -w.weight);
        }
      }
    }
    if (scores.size === 0) return Status.skip();
    state.write(scoreKey, { scores });
    return Status.success();
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read(scoreKey)!;
    let total = 0;
    for (const [key, byValue] of s.scores) {
      const v = nodeInfo.labels[key];
      if (v !== undefined) total += byValue.get(v) ?? 0;
    }
    return total;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const n of scores) {
      min = Math.min(min, n.score);
      max = Math.max(max, n.score);
    }
    const diff = max - min;
    for (const n of scores) n.score = diff > 0 ? Math.floor((MAX_NODE_SCORE * (n.score - min)) / diff) : 0;
    return Status.success();
  }

  private updateState(state: CycleState, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status {
    const s = state.read(filterKey);
    if (s && nodeInfo.node) s.update(other, nodeInfo.node, delta);
    return Status.success();
  }
}

function existingAntiAffinityRejects(): Status {
  return Status.unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");
}

/** Factory for the registry. */
export const newInterPodAffinity = (args: unknown, handle: FrameworkHandle): InterPodAffinity =>
  new InterPodAffinity(handle, (args ?? {}) as InterPodAffinityArgs);
