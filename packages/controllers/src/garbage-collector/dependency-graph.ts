import type { KubeObject, OwnerReference } from '@flotilla/core';

/** Where the garbage collector finds an object again: its kind, namespace and name. */
export interface GraphNode {
  kind: string;
  namespace?: string;
  name: string;
  owners: readonly OwnerReference[];
  /** The object carries a `deletionTimestamp`: its dependents may matter to it now. */
  deleting: boolean;
}

/**
 * The owner -> dependents relation over every object the garbage collector
 * has seen, keyed by uid (Kubernetes' GC `uidToNode` graph, without virtual
 * nodes: an owner that was never seen simply has dependents and no node).
 *
 * Guarantees: `dependentsOf(uid)` reflects the owner references of the
 * objects applied so far, including owners that do not exist (dangling).
 */
export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  /** The node of `uid`, if an object with that uid was seen and not removed. */
  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** The uids of objects that name `ownerUid` in their owner references. */
  dependentsOf(ownerUid: string): string[] {
    return [...(this.dependents.get(ownerUid) ?? [])];
  }

  /** Records an object's current state; returns its previous node. */
  upsert(obj: Readonly<KubeObject>): GraphNode | undefined {
    const uid = obj.metadata.uid;
    if (!uid) return undefined;
    const previous = this.nodes.get(uid);
    for (const ref of previous?.owners ?? []) this.unlink(ref.uid, uid);
    const owners = obj.metadata.ownerReferences ?? [];
    for (const ref of owners) {
      const set = this.dependents.get(ref.uid) ?? new Set<string>();
      set.add(uid);
      this.dependents.set(ref.uid, set);
    }
    this.nodes.set(uid, {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      owners,
      deleting: obj.metadata.deletionTimestamp !== undefined,
    });
    return previous;
  }

  /** Forgets a deleted object (its own dependents keep pointing at its uid, now dangling). */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    for (const ref of node?.owners ?? []) this.unlink(ref.uid, uid);
    this.nodes.delete(uid);
    return node;
  }

  private unlink(ownerUid: string, dependentUid: string): void {
    const set = this.dependents.get(ownerUid);
    set?.delete(dependentUid);
    if (set?.size === 0) this.dependents.delete(ownerUid);
  }
}
