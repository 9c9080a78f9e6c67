import type { ClusterApi } from '../api/cluster-api.js';
import { BadRequestError } from '../errors/api-errors.js';
import type { InformerEvent } from '../informer/types.js';
import type { KubeObject } from '../model/meta.js';
import type { RateLimiter } from '../workqueue/rate-limiters.js';
import { type Controller, type ControllerSource, requestForObject } from './controller.js';
import type { Manager } from './manager.js';
import { getControllerOf } from './owner-references.js';
import type { Predicate } from './predicates.js';
import type { ReconcileRequest, Reconciler } from './reconciler.js';

/** Less common knobs of a controller. */
export interface ControllerBuilderOptions {
  /** Aborts a reconcile's `ctx.signal` after this long. Default: no timeout. */
  reconcileTimeoutMs?: number;
  /** Backoff for failed keys. Default `defaultControllerRateLimiter()`. */
  rateLimiter?: RateLimiter<string>;
  /** See `ControllerOptions.yieldEveryMs`. Default: the manager's `controllerYieldEveryMs`. */
  yieldEveryMs?: number;
  /**
   * Events enqueue their keys this long after the first of a burst instead
   * of at once, so many changes to one object's dependents (a ReplicaSet's
   * pods starting) lead to one reconcile, as Kubernetes' endpoint and Job
   * controllers batch pod updates. Default 0: at once. Requeues and retries
   * are not delayed.
   */
  batchPeriodMs?: number;
}

/** The API group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> core `''`): owners match by group and kind, not version. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The objects an event concerns: the new state, and for updates also the old one. */
function statesOf(event: InformerEvent): Readonly<KubeObject>[] {
  return event.type === 'updated' && event.oldObject && event.oldObject !== event.object
    ? [event.object, event.oldObject]
    : [event.object];
}

/**
 * Declares a controller (controller-runtime's builder, the same verbs):
 *
 * ```ts
 * manager.controller('replicaset')
 *   .for('ReplicaSet')            // reconcile ReplicaSets, keyed by their own name
 *   .owns('Pod')                  // a Pod event wakes the ReplicaSet that controls it
 *   .watches('Node', (node) => [...]) // any mapping to reconcile requests
 *   .withEventFilter(generationChanged)
 *   .concurrency(5)
 *   .reconcile(reconciler);       // builds it and adds it to the manager
 * ```
 *
 * Caveat: build every controller before `manager.start`; the informers it
 * needs are asked for from the manager's shared factory at `reconcile()`.
 */
export class ControllerBuilder {
  private forKind?: string;
  private readonly owned: string[] = [];
  private readonly mapped: { kind: string; map: (obj: Readonly<KubeObject>) => ReconcileRequest[] }[] = [];
  private readonly predicates: Predicate[] = [];
  private workers = 1;
  private extra: ControllerBuilderOptions = {};

  constructor(
    private readonly manager: Manager<ClusterApi>,
    private readonly name: string,
  ) {}

  /** The kind this controller reconciles; its events enqueue the object's own key. */
  for(kind: string): this {
    if (this.forKind)
      throw new BadRequestError(`controller ${this.name}: for() was already called with ${this.forKind}`);
    this.forKind = kind;
    return this;
  }

  /** A kind whose objects this controller creates: an event enqueues the object's controller owner of the `for` kind. */
  owns(kind: string): this {
    this.owned.push(kind);
    return this;
  }

  /** Any other kind, with a function from an object to the requests it should wake (old and new state on updates). */
  watches<T extends KubeObject = KubeObject>(kind: string, map: (obj: Readonly<T>) => ReconcileRequest[]): this {
    this.mapped.push({ kind, map: map as (obj: Readonly<KubeObject>) => ReconcileRequest[] });
    return this;
  }

  /** Drops events this predicate rejects, for every watched kind. Several filters must all pass. */
  withEventFilter(predicate: Predicate): this {
    this.predicates.push(predicate);
    return this;
  }

  /** How many keys are reconciled at once. Default 1. */
  concurrency(n: number): this {
    if (!Number.isInteger(n) || n < 1)
      throw new BadRequestError(`controller ${this.name}: concurrency must be a positive integer, got ${n}`);
    this.workers = n;
    return this;
  }

  /** Sets the reconcile timeout and rate limiter. */
  withOptions(options: ControllerBuilderOptions): this {
    this.extra = { ...this.extra, ...options };
    return this;
  }

  /** Builds the controller around `reconciler` and adds it to the manager. */
  reconcile(reconciler: Reconciler): Controller {
    const forKind = this.forKind;
    if (!forKind) throw new BadRequestError(`controller ${this.name}: call for(kind) before reconcile()`);
    const { informers, api } = this.manager;
    const forType = api.registry.get(forKind);
    const sources: ControllerSource[] = [{ informer: informers.for(forKind), toRequests: requestForObject }];
    for (const kind of this.owned) {
      sources.push({
        informer: informers.for(kind),
        toRequests: (event) =>
          statesOf(event).flatMap((obj) => {
            const ref = getControllerOf(obj);
            if (!ref || ref.kind !== forKind || groupOf(ref.apiVersion) !== forType.group) return [];
            return [{ namespace: forType.namespaced ? obj.metadata.namespace : undefined, name: ref.name }];
          }),
      });
    }
    for (const { kind, map } of this.mapped) {
      sources.push({ informer: informers.for(kind), toRequests: (event) => statesOf(event).flatMap(map) });
    }
    const controller = this.manager.createController({
      name: this.name,
      reconciler,
      sources,
      predicates: this.predicates,
      concurrency: this.workers,
      ...this.extra,
    });
    return controller;
  }
}
