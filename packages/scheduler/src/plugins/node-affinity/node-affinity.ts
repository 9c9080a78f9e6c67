import {
  type FieldError,
  InvalidError,
  type NodeAffinity as NodeAffinitySpec,
  type NodeSelectorTerm,
  nodeSelectorTermMatches,
  nodeSelectorTermsMatch,
  podNodeSelectorMatches,
  validateNodeSelectorTerm,
} from '@flotilla/core';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  NodeScore,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';

/** Name of the NodeAffinity plugin. */
export const NodeAffinityName = 'NodeAffinity';

/** Arguments of NodeAffinity, as kube-scheduler's NodeAffinityArgs. */
export interface NodeAffinityArgs {
  /**
   * Node affinity every pod of the profile gets on top of its own: its
   * required terms must match as well (a node failing them is rejected with
   * "node(s) didn't match scheduler-enforced node affinity"), its preferred
   * terms add to the score.
   */
  addedAffinity?: NodeAffinitySpec;
}

/** Field errors of NodeAffinity's args, paths relative to the args. */
export function validateNodeAffinityArgs(args: NodeAffinityArgs): FieldError[] {
  const added = args.addedAffinity;
  if (!added) return [];
  const errors: FieldError[] = [];
  const req = added.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const p = 'addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
    if (!req.nodeSelectorTerms?.length) {
      errors.push({ field: p, message: 'Required value: must have at least one node selector term' });
    }
    req.nodeSelectorTerms?.forEach((t, i) => {
      errors.push(...validateNodeSelectorTerm(t, `${p}[${i}]`));
    });
  }
  added.preferredDuringSchedulingIgnoredDuringExecution?.forEach((pref, i) => {
    const p = `addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (!Number.isInteger(pref.weight) || pref.weight < 1 || pref.weight > 100) {
      errors.push({ field: `${p}.weight`, message: `Invalid value: ${pref.weight}: must be in the range 1-100` });
    }
    errors.push(...validateNodeSelectorTerm(pref.preference ?? {}, `${p}.preference`));
  });
  return errors;
}

/**
 * Filter: `nodeSelector` and required node affinity (unresolvable on
 * mismatch), and the profile's `addedAffinity`. PreFilter narrows the node
 * set when every required term pins `metadata.name`. Score: sum of the
 * weights of matching preferred terms (the pod's and the added ones),
 * normalized to 0..100.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeAffinityName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];
  private readonly addedRequired: readonly NodeSelectorTerm[] | undefined;
  private readonly addedPreferred: readonly { weight: number; preference: NodeSelectorTerm }[];

  constructor(args: NodeAffinityArgs = {}) {
    const errors = validateNodeAffinityArgs(args);
    if (errors.length) throw new InvalidError('NodeAffinityArgs', NodeAffinityName, errors);
    this.addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    this.addedPreferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  }

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    const required = pod.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const hasSelector = Object.keys(pod.pod.spec.nodeSelector ?? {}).length > 0;
    if (!required && !hasSelector && !this.addedRequired) return { status: Status.skip() };
    const terms = required?.nodeSelectorTerms ?? [];
    const pinned = terms.map((t) =>
      (t.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In' && f.values?.length),
    );
    if (terms.length > 0 && pinned.every((p) => p)) {
      return { status: Status.success(), nodeNames: new Set(pinned.flatMap((p) => p?.values ?? [])) };
    }
    return { status: Status.success() };
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const node = nodeInfo.node;
    if (node && this.addedRequired && !nodeSelectorTermsMatch(this.addedRequired, node)) {
      return Status.unresolvable("node(s) didn't match scheduler-enforced node affinity");
    }
    if (node && podNodeSelectorMatches(pod.pod.spec, node)) return Status.success();
    return Status.unresolvable("node(s) didn't match Pod's node affinity/selector");
  }

  /** Nothing to score for pods without preferred terms (their own or added). */
  preScore(_state: CycleState, pod: PodInfo): Status {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    return preferred?.length || this.addedPreferred.length ? Status.success() : Status.skip();
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!nodeInfo.node) return 0;
    let sum = 0;
    for (const terms of [preferred, this.addedPreferred]) {
      for (const p of terms)
        if (p.weight !== 0 && nodeSelectorTermMatches(p.preference, nodeInfo.node)) sum += p.weight;
    }
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status {
    return defaultNormalizeScore(scores, false);
  }
}

/** Factory for the registry. */
export const newNodeAffinity = (args: unknown): NodeAffinity => new NodeAffinity((args ?? {}) as NodeAffinityArgs);
