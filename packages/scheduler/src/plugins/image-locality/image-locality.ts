import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE } from '../../framework/framework.js';
import type { FrameworkHandle } from '../../framework/handle.js';
import type { ScorePlugin } from '../../framework/plugin.js';

/** Name of the ImageLocality plugin. */
export const ImageLocalityName = 'ImageLocality';

const MB = 1024 * 1024;
/** Below this the images present are worth nothing: kube-scheduler's minThreshold. */
const MIN_THRESHOLD = 23 * MB;
/** Per container: kube-scheduler's maxContainerThreshold. */
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** `nginx` -> `nginx:latest`; names with a tag or digest stay as they are. */
export function normalizedImageName(name: string): string {
  if (name.includes('@')) return name;
  const lastSlash = name.lastIndexOf('/');
  return name.indexOf(':', lastSlash + 1) >= 0 ? name : `${name}:latest`;
}

/**
 * Prefers nodes that already hold the pod's images, weighting each image by
 * its size and by how many nodes have it (to not pile pods onto the one node
 * with a rare image): sum of `size * nodesWithImage / nodes`, clamped to
 * [23 MB, 1000 MB x containers] and scaled to 0..100.
 */
export class ImageLocality implements ScorePlugin {
  readonly name = ImageLocalityName;

  constructor(private readonly handle: FrameworkHandle) {}

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (nodeInfo.imageStates.size === 0) return 0;
    const total = this.handle.snapshot().numNodes || 1;
    const containers = [...(pod.pod.spec.initContainers ?? []), ...pod.pod.spec.containers];
    let sum = 0;
    for (const c of containers) {
      const st = nodeInfo.imageStates.get(normalizedImageName(c.image)) ?? nodeInfo.imageStates.get(c.image);
      if (st) sum += st.sizeBytes * (st.numNodes / total);
    }
    const max = MAX_CONTAINER_THRESHOLD * containers.length;
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
    return Math.floor((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}

/** Factory for the registry. */
export const newImageLocality = (_args: unknown, handle: FrameworkHandle): ImageLocality => new ImageLocality(handle);
