import { NamespaceLabels } from './namespace-labels.js';
import type { NodeInfo } from './node-info.js';
import { NodeInfoList } from './node-info-list.js';

/** A point in a snapshot's log of refreshed nodes (see `Snapshot.changedSince`). */
export interface SnapshotChangeMark {
  readonly epoch: number;
  readonly index: number;
}

/**
 * The view of the cluster one scheduling cycle works on: a copy of the
 * cache's NodeInfos, refreshed before each cycle by copying only the nodes
 * whose generation moved since the last refresh, and the namespaces' labels.
 *
 * Guarantees: nothing but the scheduling cycle changes a snapshot, so
 * plugins see one consistent cluster for a whole cycle; preemption clones
 * the NodeInfos it changes.
 */
export class Snapshot {
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  /** Nodes in a stable order (the order the search for feasible nodes rotates through). */
  nodeInfoList: NodeInfo[] = [];
  /** Namespace labels, for affinity terms' `namespaceSelector`s. */
  namespaces: NamespaceLabels = NamespaceLabels.none;
  /** The largest NodeInfo generation this snapshot reflects. */
  generation = 0;
  private readonly position = new Map<string, number>();
  private readonly withAffinity = new NodeInfoList();
  private readonly withRequiredAntiAffinity = new NodeInfoList();
  /** NodeInfos put since the log last started over, in the order put. */
  private readonly changes: NodeInfo[] = [];
  /** Moves whenever the log starts over: nodes added or removed, or the log trimmed. */
  private epoch = 0;

  /** The node named `name` as of this snapshot. */
  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  get numNodes(): number {
    return this.nodeInfoList.length;
  }

  /** Nodes with at least one pod that has inter-pod (anti-)affinity terms (in no particular order). */
  get havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.withAffinity.items;
  }

  /** Nodes with at least one pod that has required anti-affinity terms (in no particular order). */
  get havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.withRequiredAntiAffinity.items;
  }

  /** Stores a fresh copy of a node, in the map, the node list (if listed) and the affinity lists. */
  put(info: NodeInfo): void {
    this.nodeInfoMap.set(info.name, info);
    const i = this.position.get(info.name);
    if (i !== undefined) this.nodeInfoList[i] = info;
    this.withAffinity.set(info, info.podsWithAffinity.length > 0);
    this.withRequiredAntiAffinity.set(info, info.podsWithRequiredAntiAffinity.length > 0);
    this.changes.push(info);
    if (this.changes.length > this.nodeInfoMap.size + 64) this.startChangesOver();
  }

  /** Where the log of refreshed nodes stands now. */
  changeMark(): SnapshotChangeMark {
    return { epoch: this.epoch, index: this.changes.length };
  }

  /**
   * The NodeInfos refreshed since `mark`, oldest first (a node refreshed twice
   * comes twice), or undefined when the log no longer reaches back to it
   * (nodes came or went, or it was trimmed): then every node must be looked
   * at. Lets per-cycle work that follows the nodes (spread counts) cost the
   * nodes that changed instead of all of them.
   */
  changedSince(mark: SnapshotChangeMark): readonly NodeInfo[] | undefined {
    return mark.epoch === this.epoch ? this.changes.slice(mark.index) : undefined;
  }

  private startChangesOver(): void {
    this.changes.length = 0;
    this.epoch++;
  }

  /** Drops a node that left the cluster. */
  remove(name: string): void {
    this.startChangesOver();
    this.nodeInfoMap.delete(name);
    this.withAffinity.delete(name);
    this.withRequiredAntiAffinity.delete(name);
  }

  /** Replaces the node list (nodes were added or removed), in the given order. */
  setOrder(names: readonly string[]): void {
    this.startChangesOver();
    this.nodeInfoList = names.map((n) => this.nodeInfoMap.get(n)!);
    this.position.clear();
    names.forEach((n, i) => {
      this.position.set(n, i);
    });
  }
}
