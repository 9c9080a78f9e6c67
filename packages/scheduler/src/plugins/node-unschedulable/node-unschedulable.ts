import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';
import { toleratesTaint } from '../taint-toleration/tolerations.js';

/** Name of the NodeUnschedulable plugin. */
export const NodeUnschedulableName = 'NodeUnschedulable';

/** The taint a cordoned node stands for; pods tolerating it may still go there. */
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

/** Rejects cordoned nodes (`spec.unschedulable`) unless the pod tolerates the unschedulable taint. */
export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeUnschedulableName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node?.spec?.unschedulable) return Status.success();
    if ((pod.pod.spec.tolerations ?? []).some((t) => toleratesTaint(t, unschedulableTaint))) return Status.success();
    return Status.unresolvable('node(s) were unschedulable');
  }
}

/** Factory for the registry. */
export const newNodeUnschedulable = (): NodeUnschedulable => new NodeUnschedulable();
