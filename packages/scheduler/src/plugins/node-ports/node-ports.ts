import type { NodeInfo } from '../../cache/node-info.js';
import type { HostPort, PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  PreFilterPlugin,
  PreFilterResult,
} from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';

/** Name of the NodePorts plugin. */
export const NodePortsName = 'NodePorts';

/** Two host ports clash when protocol and port match and the IPs overlap (`0.0.0.0` overlaps every IP). */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0');
}

/** Rejects nodes where a host port the pod wants is already taken. */
export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NodePortsName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'AssignedPodDelete'];

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    return { status: pod.hostPorts.length === 0 ? Status.skip() : Status.success() };
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    for (const want of pod.hostPorts) {
      if (nodeInfo.usedPorts.some((used) => portsConflict(want, used))) {
        return Status.unschedulable("node(s) didn't have free ports for the requested pod ports");
      }
    }
    return Status.success();
  }
}

/** Factory for the registry. */
export const newNodePorts = (): NodePorts => new NodePorts();
