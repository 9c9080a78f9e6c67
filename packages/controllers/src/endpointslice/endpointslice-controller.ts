import {
  isReason,
  type Node,
  type ObjectCache,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type Service,
  setControllerReference,
} from '@flotilla/core';
import { withIndex } from '../cache-indexes/ensure-index.js';
import { podsForService } from '../cache-indexes/label-pairs.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { podEndpoints } from '../service-backends/pod-endpoint.js';
import { SyncBatcher } from '../service-backends/service-sync.js';
import type { EndpointSlice } from './discovery-types.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL } from './slice-labels.js';
import { planSlices } from './slice-plan.js';
import { SliceTracker } from './slice-tracker.js';

/** Options of the EndpointSlice controller. */
export interface EndpointSliceOptions {
  /** `--max-endpoints-per-slice`. Default 100. */
  maxEndpointsPerSlice?: number;
  /** `--endpointslice-updates-batch-period`: minimum time between two syncs of one service. Default 0. */
  batchPeriodMs?: number;
}

/** Delay before syncing a service again whose slice someone else changed during our writes. */
const FOREIGN_WRITE_RESYNC_MS = 1;

const SLICES_BY_SERVICE_INDEX = 'flotilla.controllers/endpointslices-by-service';

/** The slices this controller manages for `namespace/name`, from the cache. */
export function managedSlices(
  cache: ObjectCache<EndpointSlice>,
  namespace: string,
  name: string,
): Readonly<EndpointSlice>[] {
  return withIndex(cache, SLICES_BY_SERVICE_INDEX, (s) =>
    s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && s.metadata.labels[SERVICE_NAME_LABEL]
      ? [`${s.metadata.namespace}/${s.metadata.labels[SERVICE_NAME_LABEL]}`]
      : [],
  ).byIndex(SLICES_BY_SERVICE_INDEX, `${namespace}/${name}`);
}

/**
 * Kubernetes' EndpointSlice controller: for every Service with a selector,
 * `discovery.k8s.io/v1` EndpointSlices (address type IPv4) labelled
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`,
 * owned by the service, listing its pods with `ready` / `serving` /
 * `terminating` conditions, `nodeName`, `zone` (the node's
 * `topology.kubernetes.io/zone`) and target ports resolved per pod (pods
 * with different resolved ports land in different slices), at most 100 per
 * slice. Services without a selector are left to their owners.
 *
 * Guarantees: level-triggered; plans only from a cache that has caught up
 * with its own earlier writes (`SliceTracker`); one pod's change rewrites
 * only the slice that holds it; slices of a deleted service are deleted.
 */
export class EndpointSliceReconciler implements Reconciler {
  private readonly tracker: SliceTracker;
  private readonly batcher: SyncBatcher;
  private readonly maxPerSlice: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: EndpointSliceOptions = {},
  ) {
    this.maxPerSlice = options.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.batcher = new SyncBatcher(ctx.clock, options.batchPeriodMs ?? 0);
    this.tracker = new SliceTracker(ctx.clock);
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const ns = req.namespace ?? 'default';
    const key = `${ns}/${req.name}`;
    const svc = this.ctx.informers.for<Service>('Service').cache.get(ns, req.name);
    const existing = managedSlices(this.ctx.informers.for<EndpointSlice>('EndpointSlice').cache, ns, req.name);
    if (!this.tracker.caughtUp(key, existing)) return { requeueAfterMs: 100 };
    this.tracker.writing(key);
    let result: ReconcileResult | undefined;
    try {
      result = await this.sync(key, ns, req.name, svc, existing);
    } finally {
      // Someone else changed one of the service's slices while we wrote: its event was held back, so sync again.
      if (!this.tracker.settle(key)) result = { requeueAfterMs: FOREIGN_WRITE_RESYNC_MS };
    }
    return result;
  }

  /**
   * Whether a slice event should wake its service: not when it only shows
   * this controller's own write (Kubernetes' `endpointSliceTracker.ShouldSync`).
   */
  wakesService(slice: Readonly<EndpointSlice>): boolean {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) return false;
    const ns = slice.metadata.namespace ?? 'default';
    const gone = !this.ctx.informers.for<EndpointSlice>('EndpointSlice').cache.get(ns, slice.metadata.name);
    return this.tracker.shouldSync(`${ns}/${service}`, slice, gone);
  }

  private async sync(
    key: string,
    ns: string,
    name: string,
    svc: Readonly<Service> | undefined,
    existing: readonly Readonly<EndpointSlice>[],
  ): Promise<ReconcileResult | undefined> {
    if (!svc || !svc.spec.selector || Object.keys(svc.spec.selector).length === 0) {
      // A service that lost its selector, or is gone, keeps none of our slices.
      for (const s of existing) await this.delete(key, s);
      if (!svc) {
        this.batcher.forget(key);
        this.tracker.forget(key);
      }
      return undefined;
    }
    const wait = this.batcher.waitFor(key);
    if (wait > 0) return { requeueAfterMs: wait };

    const pods = podsForService(this.ctx.informers.for<Pod>('Pod').cache, svc);
    const endpoints = podEndpoints(svc, pods, this.ctx.informers.for<Node>('Node').cache, true);
    const plan = planSlices(existing, endpoints, this.maxPerSlice);
    const client = this.ctx.api.resource('EndpointSlice');
    for (const body of plan.create) {
      const slice: EndpointSlice = setControllerReference(svc, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${name}-`, name: '', namespace: ns, labels: this.labelsFor(svc) },
        addressType: 'IPv4',
        endpoints: body.endpoints,
        ports: body.ports,
      });
      this.tracker.wrote(key, await client.create(slice));
    }
    for (const slice of plan.update) {
      this.tracker.wrote(
        key,
        await client.update({ ...slice, metadata: { ...slice.metadata, labels: this.labelsFor(svc) } }),
      );
    }
    for (const slice of plan.delete) await this.delete(key, slice);
    return undefined;
  }

  /** Kubernetes copies the service's labels onto its slices, then sets its own two. */
  private labelsFor(svc: Readonly<Service>): Record<string, string> {
    return { ...svc.metadata.labels, [SERVICE_NAME_LABEL]: svc.metadata.name, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  }

  private async delete(key: string, slice: Readonly<EndpointSlice>): Promise<void> {
    try {
      await this.ctx.api.resource('EndpointSlice').delete(slice.metadata.namespace ?? 'default', slice.metadata.name);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
    this.tracker.deleted(key, slice.metadata.name);
  }
}
