import {
  Expectations,
  type KubeObject,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { PodControl } from './pod-control.js';
import { observePodForExpectations, type PodEventType } from './pod-events.js';

/**
 * The part every pod-owning controller (ReplicaSet, ReplicationController,
 * DaemonSet, Job) shares: expectations fed from pod events, pod writes that
 * raise them, and a sync that starts from the owner in the informer cache.
 * A subclass implements `sync` for an owner that exists.
 *
 * Guarantees: an owner gone from the cache has its expectations dropped and
 * is not synced, so a recreated owner of the same name starts clean.
 *
 * Caveats: pod events must be forwarded to `observePodEvent` (each
 * controller's `register...` function wires it).
 */
export abstract class PodOwnerReconciler<T extends KubeObject> implements Reconciler {
  readonly expectations: Expectations;
  protected readonly podControl: PodControl;

  constructor(
    protected readonly ctx: ControllerContext,
    private readonly ownerKind: string,
  ) {
    this.expectations = new Expectations({ clock: ctx.clock });
    this.podControl = new PodControl(ctx, this.expectations);
  }

  /** Feeds expectations from a pod informer event; returns the key of the owner, if it is of this kind. */
  observePodEvent(type: PodEventType, pod: Readonly<Pod>, old?: Readonly<Pod>): string | undefined {
    return observePodForExpectations(this.expectations, this.ownerKind, type, pod, old);
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const key = `${req.namespace}/${req.name}`;
    const owner = this.ctx.informers.for<T>(this.ownerKind).cache.get(req.namespace, req.name);
    if (!owner) {
      this.expectations.delete(key);
      return undefined;
    }
    return this.sync(owner, key, req);
  }

  /** One sync of an owner present in the cache; `key` is its `namespace/name`, the expectations key. */
  protected abstract sync(owner: Readonly<T>, key: string, req: ReconcileRequest): Promise<ReconcileResult | undefined>;
}
