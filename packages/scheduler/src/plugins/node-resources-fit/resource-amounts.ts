import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { Resource } from '../../cache/resource.js';

/** An amount of a resource by its manifest name (`cpu` in millicores). */
export function amountOf(r: Resource, name: string): number {
  switch (name) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    case 'pods':
      return r.pods;
    default:
      return r.scalar.get(name) ?? 0;
  }
}

/** Whether `name` is an extended (scalar) resource: anything but cpu, memory, ephemeral-storage and pods. */
export function isExtendedResource(name: string): boolean {
  return name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && name !== 'pods';
}

/**
 * What the node would have requested with the pod on it, for scoring.
 * `nonZero`: cpu and memory count unset requests as 100m / 200Mi
 * (LeastAllocated, MostAllocated); exact requests otherwise.
 */
export function requestedWithPod(nodeInfo: NodeInfo, pod: PodInfo, name: string, nonZero: boolean): number {
  if (nonZero && name === 'cpu') return nodeInfo.nonZeroMilliCPU + pod.resources.nonZeroMilliCPU;
  if (nonZero && name === 'memory') return nodeInfo.nonZeroMemory + pod.resources.nonZeroMemory;
  return amountOf(nodeInfo.requested, name) + amountOf(pod.resources.requests, name);
}
