import { type Clock, ConflictError, type Namespace, type Node, type Pod } from '@flotilla/core';
import { NamespaceLabels } from './namespace-labels.js';
import { type ImageStateSummary, NodeInfo, nextGeneration } from './node-info.js';
import { PodInfo, podKey } from './pod-info.js';
import type { Snapshot } from './snapshot.js';

interface NodeItem {
  info: NodeInfo;
  prev?: NodeItem;
  next?: NodeItem;
}

interface PodState {
  info: PodInfo;
  nodeName: string;
  /** Set once binding finished for an assumed pod: it is forgotten if not confirmed by then. */
  deadline?: number;
}

/** Options for the SchedulerCache. */
export interface SchedulerCacheOptions {
  clock: Clock;
  /** How long an assumed pod whose binding finished may wait for the informer to confirm it. Default 30 s. */
  assumedPodTtlMs?: number;
}

/**
 * The scheduler's own model of where pods are: bound pods from the informer
 * plus "assumed" pods the scheduler placed but whose binding is not yet
 * visible. Assumed pods count on their node immediately, so the next cycle
 * does not place another pod in the same room.
 *
 * Guarantees: `assumePod` then `addPod` (the informer confirming the bind)
 * leaves one copy of the pod; `forgetPod` removes an assumed pod and its
 * requests; an assumed pod whose binding finished but was never confirmed
 * expires after `assumedPodTtlMs` (on the Clock).
 *
 * Caveats: not safe against two scheduling cycles running at once — one
 * cycle at a time, as in kube-scheduler; binding runs concurrently and only
 * calls `finishBinding` / `forgetPod`.
 */
export class SchedulerCache {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly nodes = new Map<string, NodeItem>();
  private head: NodeItem | undefined;
  /** Nodes that have a Node object, in the order they arrived. */
  private nodeOrder: string[] = [];
  private structureChanged = true;
  private readonly pods = new Map<string, PodState>();
  private readonly assumed = new Set<string>();
  private readonly images = new Map<string, ImageStateSummary>();
  private readonly namespaces = new Map<string, Namespace>();
  private namespacesChanged = false;

  constructor(options: SchedulerCacheOptions) {
    this.clock = options.clock;
    this.ttlMs = options.assumedPodTtlMs ?? 30_000;
  }

  addNode(node: Node): void {
    const name = node.metadata.name;
    const item = this.itemFor(name);
    if (!item.info.node) {
      this.nodeOrder.push(name);
      this.structureChanged = true;
    } else {
      this.setImages(item.info, -1);
    }
    item.info.setNode(node);
    item.info.imageStates = this.imageStatesOf(node);
    this.setImages(item.info, 1);
    this.touch(item);
  }

  /** Same as `addNode`: the node object is replaced, its pods stay. */
  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const item = this.nodes.get(name);
    if (!item?.info.node) return;
    this.setImages(item.info, -1);
    item.info.node = undefined;
    item.info.generation = nextGeneration();
    this.nodeOrder = this.nodeOrder.filter((n) => n !== name);
    this.structureChanged = true;
    this.touch(item);
    if (item.info.pods.length === 0) this.dropItem(item);
  }

  /** A Namespace was added or changed: affinity terms' `namespaceSelector`s see its labels from the next snapshot on. */
  addNamespace(ns: Namespace): void {
    this.namespaces.set(ns.metadata.name, ns);
    this.namespacesChanged = true;
  }

  /** A Namespace was deleted: no `namespaceSelector` selects it from the next snapshot on. */
  removeNamespace(name: string): void {
    this.namespacesChanged = this.namespaces.delete(name) || this.namespacesChanged;
  }

  /** Counts a pod on `nodeName` before its binding is confirmed. */
  assumePod(pod: PodInfo, nodeName: string): PodInfo {
    const key = pod.key;
    if (this.pods.has(key)) {
      const { namespace, name } = pod.pod.metadata;
      throw new ConflictError(
        { resource: 'pods', namespace, name },
        'the pod is already in the scheduler cache (assumed or bound); forget it before assuming it again',
      );
    }
    const info = pod.pod.spec.nodeName === nodeName ? pod : pod.withNode(nodeName);
    this.place(info, nodeName);
    this.assumed.add(key);
    return info;
  }

  /** Binding finished: start the expiry clock for an assumed pod. */
  finishBinding(key: string): void {
    const st = this.pods.get(key);
    if (st && this.assumed.has(key)) st.deadline = this.clock.now() + this.ttlMs;
  }

  /** Drops an assumed pod (its binding failed). No-op for confirmed pods. */
  forgetPod(key: string): void {
    if (!this.assumed.has(key)) return;
    this.unplace(key);
    this.assumed.delete(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** True if the pod is known, assumed or bound. */
  hasPod(key: string): boolean {
    return this.pods.has(key);
  }

  /** A bound pod seen by the informer; confirms it if it was assumed. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    if (this.pods.has(key)) this.unplace(key);
    this.assumed.delete(key);
    this.place(new PodInfo(pod), nodeName);
  }

  /** A bound pod changed (labels, requests after resize, phase). */
  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    if (!this.pods.has(key)) return;
    this.unplace(key);
    this.assumed.delete(key);
  }

  /** Forgets assumed pods whose binding finished more than the TTL ago. Returns their keys. */
  cleanupExpiredAssumedPods(): string[] {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const key of this.assumed) {
      const d = this.pods.get(key)?.deadline;
      if (d !== undefined && d <= now) expired.push(key);
    }
    for (const key of expired) this.forgetPod(key);
    return expired;
  }

  /**
   * Brings `snapshot` up to date, copying only NodeInfos whose generation is
   * newer than the snapshot's (most recently changed first, stopping at the
   * first unchanged one), as kube-scheduler's UpdateSnapshot does; namespace
   * labels are copied only when a Namespace changed.
   */
  updateSnapshot(snapshot: Snapshot): void {
    if (this.namespacesChanged) {
      snapshot.namespaces = NamespaceLabels.of(this.namespaces.values());
      this.namespacesChanged = false;
    }
    const top = this.head?.info.generation ?? snapshot.generation;
    for (let item = this.head; item && item.info.generation > snapshot.generation; item = item.next) {
      if (item.info.node) snapshot.put(item.info.clone());
    }
    snapshot.generation = top;
    if (this.structureChanged) {
      const live = new Set(this.nodeOrder);
      for (const name of [...snapshot.nodeInfoMap.keys()]) if (!live.has(name)) snapshot.remove(name);
      snapshot.setOrder(this.nodeOrder);
      this.structureChanged = false;
    }
  }

  private place(info: PodInfo, nodeName: string): void {
    const item = this.itemFor(nodeName);
    item.info.addPod(info);
    this.pods.set(info.key, { info, nodeName });
    this.touch(item);
  }

  private unplace(key: string): void {
    const st = this.pods.get(key)!;
    this.pods.delete(key);
    const item = this.nodes.get(st.nodeName);
    if (!item) return;
    item.info.removePod(key);
    this.touch(item);
    if (!item.info.node && item.info.pods.length === 0) this.dropItem(item);
  }

  private itemFor(name: string): NodeItem {
    let item = this.nodes.get(name);
    if (!item) {
      item = { info: new NodeInfo(name) };
      this.nodes.set(name, item);
      this.touch(item);
    }
    return item;
  }

  /** Moves a changed node to the head of the recency list. */
  private touch(item: NodeItem): void {
    if (this.head === item) return;
    this.unlink(item);
    item.next = this.head;
    if (this.head) this.head.prev = item;
    this.head = item;
  }

  private unlink(item: NodeItem): void {
    if (item.prev) item.prev.next = item.next;
    if (item.next) item.next.prev = item.prev;
    if (this.head === item) this.head = item.next;
    item.prev = undefined;
    item.next = undefined;
  }

  private dropItem(item: NodeItem): void {
    this.unlink(item);
    this.nodes.delete(item.info.name);
  }

  private imageStatesOf(node: Node): Map<string, ImageStateSummary> {
    const states = new Map<string, ImageStateSummary>();
    for (const img of node.status?.images ?? []) {
      for (const name of img.names) {
        let s = this.images.get(name);
        if (!s) {
          s = { sizeBytes: img.sizeBytes ?? 0, numNodes: 0 };
          this.images.set(name, s);
        }
        states.set(name, s);
      }
    }
    return states;
  }

  private setImages(info: NodeInfo, sign: 1 | -1): void {
    for (const s of info.imageStates.values()) s.numNodes += sign;
  }
}
