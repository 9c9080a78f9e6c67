import {
  type EndpointAddress,
  type Endpoints,
  isReason,
  type Node,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type Service,
  toTimestamp,
} from '@flotilla/core';
import { podsForService } from '../cache-indexes/label-pairs.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { type PodEndpoint, podEndpoints } from '../service-backends/pod-endpoint.js';
import { SyncBatcher } from '../service-backends/service-sync.js';
import { OVER_CAPACITY_ANNOTATION, truncateEndpoints } from './truncate-endpoints.js';

/** Label Kubernetes puts on the Endpoints of a headless service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Annotation Kubernetes' Endpoints controller sets on what it writes; here it also marks Endpoints as managed. */
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Options of the Endpoints controller. */
export interface EndpointsOptions {
  /** Minimum time between two syncs of one service. Default 0. */
  batchPeriodMs?: number;
}

type Subset = NonNullable<Endpoints['subsets']>[number];

function address(e: PodEndpoint): EndpointAddress {
  const pod = e.pod.metadata;
  return {
    ip: e.ip,
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
}

/** Subsets grouped by port set (Kubernetes' `RepackSubsets`), addresses sorted by IP. */
export function endpointSubsets(endpoints: readonly PodEndpoint[]): Subset[] {
  const byPorts = new Map<
    string,
    { ready: EndpointAddress[]; notReady: EndpointAddress[]; ports: PodEndpoint['ports'] }
  >();
  for (const e of endpoints) {
    let group = byPorts.get(e.portsKey);
    if (!group) {
      group = { ready: [], notReady: [], ports: e.ports };
      byPorts.set(e.portsKey, group);
    }
    (e.ready ? group.ready : group.notReady).push(address(e));
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  return [...byPorts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ports: g.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        protocol: p.protocol,
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      })),
    }));
}

/**
 * Kubernetes' Endpoints controller: keeps an `Endpoints` object named after
 * each Service with a selector, listing its pods' IPs (ready ones in
 * `addresses`, the others in `notReadyAddresses`; with
 * `publishNotReadyAddresses` all are ready), grouped by resolved port set.
 * Services without a selector are left to whoever manages their Endpoints;
 * the Endpoints this controller wrote (marked with the
 * `last-change-trigger-time` annotation) go when their service goes.
 *
 * More than 1,000 addresses are cut to 1,000 (ready ones first) and the
 * object is annotated `endpoints.kubernetes.io/over-capacity: truncated`, as
 * in Kubernetes; EndpointSlices list them all.
 *
 * Guarantees: level-triggered; writes only when the content changes;
 * subsets and addresses in a stable order.
 */
export class EndpointsReconciler implements Reconciler {
  private readonly batcher: SyncBatcher;

  constructor(
    private readonly ctx: ControllerContext,
    options: EndpointsOptions = {},
  ) {
    this.batcher = new SyncBatcher(ctx.clock, options.batchPeriodMs ?? 0);
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const ns = req.namespace ?? 'default';
    const key = `${ns}/${req.name}`;
    const svc = this.ctx.informers.for<Service>('Service').cache.get(ns, req.name);
    const client = this.ctx.api.resource('Endpoints');
    const existing = this.ctx.informers.for<Endpoints>('Endpoints').cache.get(ns, req.name);
    if (!svc) {
      this.batcher.forget(key);
      if (existing?.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] !== undefined)
        await client
          .delete(ns, req.name)
          .catch((err: unknown) => (isReason(err, 'NotFound') ? undefined : Promise.reject(err)));
      return undefined;
    }
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return undefined;
    const wait = this.batcher.waitFor(key);
    if (wait > 0) return { requeueAfterMs: wait };

    const pods = podsForService(this.ctx.informers.for<Pod>('Pod').cache, svc);
    const { subsets, truncated } = truncateEndpoints(
      endpointSubsets(podEndpoints(svc, pods, this.ctx.informers.for<Node>('Node').cache, false)),
    );
    const labels: Record<string, string> = { ...svc.metadata.labels };
    if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    const annotations: Record<string, string> = {
      [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: toTimestamp(this.ctx.clock.now()),
    };
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    const desired: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: req.name, namespace: ns, labels, annotations },
      subsets,
    };
    if (!existing) {
      await client.create(desired);
      return undefined;
    }
    if (
      JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets) &&
      JSON.stringify(existing.metadata.labels ?? {}) === JSON.stringify(labels) &&
      (existing.metadata.annotations?.[OVER_CAPACITY_ANNOTATION] !== undefined) === truncated
    )
      return undefined;
    const { [OVER_CAPACITY_ANNOTATION]: _wasTruncated, ...kept } = existing.metadata.annotations ?? {};
    await client.update({
      ...desired,
      metadata: { ...existing.metadata, labels, annotations: { ...kept, ...annotations } },
    });
    return undefined;
  }
}
