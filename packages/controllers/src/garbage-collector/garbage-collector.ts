import {
  ConflictError,
  FOREGROUND_DELETION_FINALIZER,
  type InformerEvent,
  isReason,
  type KubeObject,
  ORPHAN_FINALIZER,
  type OwnerReference,
  type ReconcileRequest,
  type Reconciler,
  removeFinalizer,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { DependencyGraph, type GraphNode } from './dependency-graph.js';

/** How many times a dependent's owner-reference edit is retried on write conflicts. */
const conflictRetries = 5;

/** What an owner reference points at, as seen from its dependent. */
type OwnerState = 'solid' | 'dangling' | 'waiting';

const sameRefs = (a: readonly OwnerReference[] | undefined, b: readonly OwnerReference[] | undefined) =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const hasFinalizer = (obj: Readonly<KubeObject>, f: string) => obj.metadata.finalizers?.includes(f) ?? false;

/**
 * Deletes what nobody owns any more, over the owner references of every kind
 * (Kubernetes' garbage collector as a Reconciler keyed by uid).
 *
 * - A dependent whose owners are all gone (missing, or the name now holds
 *   another uid, checked against the Api before acting) is deleted in the
 *   background; one that still has a live owner only loses the dangling
 *   references.
 * - Background deletion: the owner is gone at once; its dependents become
 *   dangling and are collected after.
 * - Foreground deletion: the owner carries `foregroundDeletion`; its
 *   dependents are deleted (in foreground themselves when they have
 *   dependents), and the finalizer is removed once no dependent that
 *   `blockOwnerDeletion` remains, which lets the owner go.
 * - Orphan deletion: the owner carries `orphan`; its references are removed
 *   from every dependent, then the finalizer.
 *
 * Feed it every informer event through `observe`, which keeps the
 * dependency graph and returns the uids to reconcile (what
 * `registerGarbageCollector` wires for every registered kind).
 *
 * Guarantees: never deletes an object that has a live owner; a dependent of
 * an owner of an unknown kind is left alone rather than guessed about.
 */
export class GarbageCollector implements Reconciler {
  private readonly graph = new DependencyGraph();

  constructor(private readonly ctx: ControllerContext) {}

  /**
   * Applies an informer event to the graph; returns the objects (by uid) that
   * need a look. As Kubernetes' graph builder, a dependent is looked at only
   * when its owners may be gone: one whose every owner reference names an
   * object the graph holds (same uid, kind, name and namespace) is left alone,
   * because that owner's own deletion event wakes it later, and a change to
   * any other field of it cannot change the decision.
   */
  observe(event: InformerEvent): ReconcileRequest[] {
    const obj = event.object;
    const uid = obj.metadata.uid;
    if (!uid) return [];
    const wake = new Set<string>();
    if (event.type === 'deleted') {
      const node = this.graph.remove(uid);
      for (const d of this.graph.dependentsOf(uid)) wake.add(d);
      for (const o of node?.owners ?? []) wake.add(o.uid);
    } else {
      const previous = this.graph.upsert(obj);
      const refs = obj.metadata.ownerReferences ?? [];
      const ownersChanged = !previous || !sameRefs(previous.owners, refs);
      if (ownersChanged && refs.some((r) => !this.holdsOwner(obj, r))) wake.add(uid);
      const collecting = hasFinalizer(obj, ORPHAN_FINALIZER) || hasFinalizer(obj, FOREGROUND_DELETION_FINALIZER);
      if (obj.metadata.deletionTimestamp && collecting) wake.add(uid);
      // An owner deleting in foreground waits for its blocking dependents: tell it when that set may have changed.
      if (ownersChanged) {
        for (const o of [...(previous?.owners ?? []), ...refs]) if (this.graph.get(o.uid)?.deleting) wake.add(o.uid);
      }
    }
    return [...wake].filter((u) => this.graph.get(u)).map((name) => ({ name }));
  }

  /** Whether the graph holds the object `ref` names, where `dependent` would look for it. */
  private holdsOwner(dependent: Readonly<KubeObject>, ref: OwnerReference): boolean {
    const owner = this.graph.get(ref.uid);
    if (!owner || owner.kind !== ref.kind || owner.name !== ref.name) return false;
    return owner.namespace === undefined || owner.namespace === dependent.metadata.namespace;
  }

  async reconcile(req: ReconcileRequest): Promise<undefined> {
    const node = this.graph.get(req.name);
    const obj = node && this.cached(node);
    if (!node || !obj || obj.metadata.uid !== req.name) return undefined;
    if (obj.metadata.deletionTimestamp && hasFinalizer(obj, ORPHAN_FINALIZER)) {
      await this.orphanDependents(obj);
      return undefined;
    }
    if (obj.metadata.deletionTimestamp && hasFinalizer(obj, FOREGROUND_DELETION_FINALIZER)) {
      await this.deleteDependentsFirst(obj);
    }
    if (obj.metadata.ownerReferences?.length) await this.checkOwners(obj);
    return undefined;
  }

  /** The cached state of a graph node's object, if its kind is watched. */
  private cached(node: GraphNode): Readonly<KubeObject> | undefined {
    if (!this.ctx.api.registry.find(node.kind)) return undefined;
    return this.ctx.informers.for(node.kind).cache.get(node.namespace, node.name);
  }

  /** Whether an owner is live, gone, or itself waiting for its dependents (foreground). */
  private async ownerState(dependent: Readonly<KubeObject>, ref: OwnerReference): Promise<OwnerState> {
    const type = this.ctx.api.registry.find(ref.kind);
    if (!type) return 'solid';
    const namespace = type.namespaced ? dependent.metadata.namespace : undefined;
    let owner = this.ctx.informers.for(ref.kind).cache.get(namespace, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) {
      // The cache may lag a just-created owner: only the Api can say it is gone.
      const client = this.ctx.api.resource(ref.kind);
      try {
        owner = await (namespace ? client.get(namespace, ref.name) : client.get(ref.name));
      } catch (err) {
        if (isReason(err, 'NotFound')) return 'dangling';
        throw err;
      }
      if (owner.metadata.uid !== ref.uid) return 'dangling';
    }
    return owner.metadata.deletionTimestamp && hasFinalizer(owner, FOREGROUND_DELETION_FINALIZER) ? 'waiting' : 'solid';
  }

  /**
   * Kubernetes' `attemptToDeleteItem` for a dependent: with a live owner,
   * drop dangling references and stop blocking owners that wait; with none,
   * delete it (foreground when an owner waits and it has dependents itself).
   */
  private async checkOwners(obj: Readonly<KubeObject>): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    const states = await Promise.all(refs.map((r) => this.ownerState(obj, r)));
    const has = (s: OwnerState) => states.includes(s);
    if (has('solid')) {
      if (!has('dangling') && !states.some((s, i) => s === 'waiting' && refs[i].blockOwnerDeletion)) return;
      await this.editOwnerRefs(obj, (current) =>
        current.flatMap((r) => {
          const state = states[refs.findIndex((x) => x.uid === r.uid)];
          if (state === 'dangling') return [];
          return state === 'waiting' ? [{ ...r, blockOwnerDeletion: false }] : [r];
        }),
      );
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    await this.deleteObject(obj, has('waiting'));
  }

  /** Foreground: delete the dependents, and let the owner go once none that blocks it remains. */
  private async deleteDependentsFirst(owner: Readonly<KubeObject>): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    let blocking = false;
    for (const depUid of this.graph.dependentsOf(uid)) {
      const node = this.graph.get(depUid);
      const dep = node && this.cached(node);
      if (!dep || dep.metadata.uid !== depUid) continue;
      const ref = dep.metadata.ownerReferences?.find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion) blocking = true;
      if (!dep.metadata.deletionTimestamp) await this.checkOwners(dep);
    }
    if (!blocking) await removeFinalizer(this.clientFor(owner), owner, FOREGROUND_DELETION_FINALIZER);
  }

  /** Orphan: remove this owner from every dependent's references, then the `orphan` finalizer. */
  private async orphanDependents(owner: Readonly<KubeObject>): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const depUid of this.graph.dependentsOf(uid)) {
      const node = this.graph.get(depUid);
      const dep = node && this.cached(node);
      if (!dep || dep.metadata.uid !== depUid) continue;
      await this.editOwnerRefs(dep, (refs) => refs.filter((r) => r.uid !== uid));
    }
    await removeFinalizer(this.clientFor(owner), owner, ORPHAN_FINALIZER);
  }

  /** Deletes a dependent: foreground when an owner waits for it and it has dependents of its own. */
  private async deleteObject(obj: Readonly<KubeObject>, ownerWaits: boolean): Promise<void> {
    const uid = obj.metadata.uid ?? '';
    const propagationPolicy = ownerWaits && this.graph.dependentsOf(uid).length > 0 ? 'Foreground' : 'Background';
    const client = this.clientFor(obj);
    const opts = { propagationPolicy, preconditions: { uid } } as const;
    const { namespace, name } = obj.metadata;
    try {
      await (namespace ? client.delete(namespace, name, opts) : client.delete(name, opts));
      // `object` as klog's KObj writes it: a bare `name` key would repeat the root logger's own `name`.
      const object = namespace ? `${namespace}/${name}` : name;
      this.ctx.logger.debug({ kind: obj.kind, object, propagationPolicy }, 'garbage collected');
    } catch (err) {
      if (!isReason(err, 'NotFound') && !isReason(err, 'Conflict')) throw err;
    }
  }

  /** Rewrites an object's owner references with compare-and-swap, re-reading on conflict. */
  private async editOwnerRefs(
    obj: Readonly<KubeObject>,
    change: (refs: readonly OwnerReference[]) => OwnerReference[],
  ): Promise<void> {
    const client = this.clientFor(obj);
    const { namespace, name } = obj.metadata;
    let current = structuredClone(obj) as KubeObject;
    for (let attempt = 0; ; attempt++) {
      const next = change(current.metadata.ownerReferences ?? []);
      if (sameRefs(next, current.metadata.ownerReferences)) return;
      current.metadata.ownerReferences = next.length > 0 ? next : undefined;
      try {
        await client.update(current);
        return;
      } catch (err) {
        if (isReason(err, 'NotFound')) return;
        if (!(err instanceof ConflictError) || attempt >= conflictRetries) throw err;
        current = await (namespace ? client.get(namespace, name) : client.get(name));
        if (current.metadata.uid !== obj.metadata.uid) return;
      }
    }
  }

  private clientFor(obj: Readonly<KubeObject>) {
    return this.ctx.api.resource(obj.kind);
  }
}
