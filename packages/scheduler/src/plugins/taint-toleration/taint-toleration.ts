import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, NodeScore, ScorePlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';
import { findUntoleratedTaint, toleratesTaint } from './tolerations.js';

/** Name of the TaintToleration plugin. */
export const TaintTolerationName = 'TaintToleration';

/**
 * Filter: rejects nodes with a NoSchedule or NoExecute taint the pod does not
 * tolerate (unresolvable: preemption cannot remove a taint). Score: fewer
 * untolerated PreferNoSchedule taints is better.
 */
export class TaintToleration implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = TaintTolerationName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const taints = nodeInfo.taints;
    if (taints.length === 0) return Status.success();
    const taint = findUntoleratedTaint(taints, pod.pod.spec.tolerations ?? [], ['NoSchedule', 'NoExecute']);
    if (!taint) return Status.success();
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (nodeInfo.taints.length === 0) return 0;
    let count = 0;
    const tolerations = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    for (const taint of nodeInfo.taints) {
      if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => toleratesTaint(t, taint))) count++;
    }
    return count;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status {
    return defaultNormalizeScore(scores, true);
  }
}

/** Factory for the registry. */
export const newTaintToleration = (): TaintToleration => new TaintToleration();
