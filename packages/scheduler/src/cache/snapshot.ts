import type { NodeInfo } from './node-info.js';

/**
 * The view of the cluster one scheduling cycle works on: a copy of the
 * cache's NodeInfos, refreshed before each cycle by copying only the nodes
 * whose generation moved since the last refresh.
 *
 * Guarantees: nothing but the scheduling cycle changes a snapshot, so
 * plugins see one consistent cluster for a whole cycle; preemption clones
 * the NodeInfos it changes.
 */
export class Snapshot {
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  /** Nodes in a stable order (the order the search for feasible nodes rotates through). */
  nodeInfoList: NodeInfo[] = [];
  private readonly position = new Map<string, number>();
  /** Nodes with at least one pod that has inter-pod (anti-)affinity terms. */
  havePodsWithAffinityList: NodeInfo[] = [];
  /** Nodes with at least one pod that has required anti-affinity terms. */
  havePodsWithRequiredAntiAffinityList: NodeInfo[] = [];
  /** The largest NodeInfo generation this snapshot reflects. */
  generation = 0;

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  get numNodes(): number {
    return this.nodeInfoList.length;
  }

  /** Replaces the whole node list (nodes were added or removed). */
  setList(list: NodeInfo[]): void {
    this.nodeInfoList = list;
    this.position.clear();
    list.forEach((n, i) => {
      this.position.set(n.name, i);
    });
  }

  /** Puts a fresh copy of a node already in the list at its place. */
  replaceInList(info: NodeInfo): void {
    const i = this.position.get(info.name);
    if (i !== undefined) this.nodeInfoList[i] = info;
  }

  /** Recomputes the affinity lists from the node list. */
  rebuildAffinityLists(): void {
    this.havePodsWithAffinityList = this.nodeInfoList.filter((n) => n.podsWithAffinity.length > 0);
    this.havePodsWithRequiredAntiAffinityList = this.nodeInfoList.filter(
      (n) => n.podsWithRequiredAntiAffinity.length > 0,
    );
  }
}
