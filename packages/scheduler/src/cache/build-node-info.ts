import type { Node, Pod } from '@flotilla/core';
import { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';

/**
 * A NodeInfo for `node` with `pods` on it, as the scheduler cache builds it
 * (Kubernetes' `framework.NewNodeInfo(pods...)` then `SetNode`), for calling
 * a plugin's Filter or Score directly: in a plugin's tests, or to ask "would
 * this pod fit there" outside a scheduling cycle.
 *
 * Caveats: image spread counts (`imageStates[].numNodes`) are 1, as for a
 * cluster of this one node.
 */
export function buildNodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const info = new NodeInfo(node.metadata.name);
  info.setNode(node);
  for (const img of node.status?.images ?? []) {
    for (const name of img.names) info.imageStates.set(name, { sizeBytes: img.sizeBytes ?? 0, numNodes: 1 });
  }
  for (const pod of pods) info.addPod(new PodInfo(pod));
  return info;
}
