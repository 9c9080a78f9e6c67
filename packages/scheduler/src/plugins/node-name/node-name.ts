import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';

/** Name of the NodeName plugin. */
export const NodeNameName = 'NodeName';

/** A pod that names a node (`spec.nodeName`) fits only there. */
export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeNameName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const want = pod.pod.spec.nodeName;
    if (!want || want === nodeInfo.name) return Status.success();
    return Status.unresolvable("node(s) didn't match the requested node name");
  }
}

/** Factory for the registry. */
export const newNodeName = (): NodeName => new NodeName();
