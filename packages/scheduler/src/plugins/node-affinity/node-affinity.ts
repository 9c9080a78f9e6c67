import { nodeSelectorTermMatches, podNodeSelectorMatches } from '@flotilla/core';
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

/**
 * Filter: `nodeSelector` and required node affinity (unresolvable on
 * mismatch). PreFilter narrows the node set when every required term pins
 * `metadata.name`. Score: sum of the weights of matching preferred terms,
 * normalized to 0..100.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeAffinityName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    const required = pod.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const hasSelector = Object.keys(pod.pod.spec.nodeSelector ?? {}).length > 0;
    if (!required && !hasSelector) return { status: Status.skip() };
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
    if (nodeInfo.node && podNodeSelectorMatches(pod.pod.spec, nodeInfo.node)) return Status.success();
    return Status.unresolvable("node(s) didn't match Pod's node affinity/selector");
  }

  /** Nothing to score for pods without preferred terms. */
  preScore(_state: CycleState, pod: PodInfo): Status {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    return preferred?.length ? Status.success() : Status.skip();
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!preferred || !nodeInfo.node) return 0;
    let sum = 0;
    for (const p of preferred)
      if (p.weight !== 0 && nodeSelectorTermMatches(p.preference, nodeInfo.node)) sum += p.weight;
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status {
    return defaultNormalizeScore(scores, false);
  }
}

/** Factory for the registry. */
export const newNodeAffinity = (): NodeAffinity => new NodeAffinity();
