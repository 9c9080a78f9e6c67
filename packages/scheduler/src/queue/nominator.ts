import type { PodInfo } from '../cache/pod-info.js';
import type { PodNominator } from '../framework/handle.js';

/** The answer for nodes without nominated pods, shared so lookups do not allocate. */
const none: readonly PodInfo[] = Object.freeze([]);

/**
 * Pods nominated to nodes by preemption, by node. The scheduling queue keeps
 * one, and `simulate()` another; filters count these pods on their node so
 * that the room preemption made is not given to a lower-priority pod.
 */
export class NominatedPods implements PodNominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.byNode.size === 0 ? none : (this.byNode.get(nodeName) ?? none);
  }

  addNominatedPod(pod: PodInfo, nodeName: string): void {
    this.deleteNominatedPod(pod.key);
    this.nodeOf.set(pod.key, nodeName);
    const list = this.byNode.get(nodeName) ?? [];
    list.push(pod);
    this.byNode.set(nodeName, list);
  }

  deleteNominatedPod(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const rest = (this.byNode.get(node) ?? []).filter((p) => p.key !== key);
    if (rest.length) this.byNode.set(node, rest);
    else this.byNode.delete(node);
  }
}
