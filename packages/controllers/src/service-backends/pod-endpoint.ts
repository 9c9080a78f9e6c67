import type { Node, ObjectCache, Pod, Service } from '@flotilla/core';
import { updatesChanging } from '../controller-context/updates-changing.js';
import { ZONE_LABEL } from '../node-lifecycle/zone-disruption.js';
import { isPodFinished, isPodReady, isPodTerminating } from '../pod-control/pod-state.js';
import { resolveTargetPort } from './target-port.js';

/** One resolved port of an endpoint: the service port's name and protocol, the pod's port number. */
export interface ResolvedPort {
  name?: string;
  port: number;
  protocol: NonNullable<Service['spec']['ports']>[number]['protocol'];
  appProtocol?: string;
}

/** A pod as a backend of one Service: what both the Endpoints and the EndpointSlice controllers publish. */
export interface PodEndpoint {
  pod: Readonly<Pod>;
  ip: string;
  /** Ready for traffic: pod Ready and not terminating (always true with `publishNotReadyAddresses`). */
  ready: boolean;
  /** The pod's readiness regardless of termination (EndpointSlice `serving`). */
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  zone?: string;
  /** Only the service ports this pod serves; named target ports resolved against its containers. */
  ports: ResolvedPort[];
  /** Identifies the port set, to group endpoints that share it. */
  portsKey: string;
  hostname?: string;
}

/**
 * What of a pod any Service's endpoints are built from: its labels (which
 * services select it), hostname and subdomain, IPs, readiness, deletion and
 * whether it finished. Its name, namespace, uid and ports are immutable, and
 * its node is set before it has an IP (a pod without one is no endpoint).
 */
function endpointInputs(pod: Readonly<Pod>): string {
  const { labels, deletionTimestamp } = pod.metadata;
  const ip = pod.status?.podIP;
  return JSON.stringify([
    labels ?? {},
    pod.spec.hostname,
    pod.spec.subdomain,
    deletionTimestamp,
    ip,
    pod.status?.podIPs,
    ip ? pod.spec.nodeName : undefined,
    isPodReady(pod),
    isPodFinished(pod),
  ]);
}

/**
 * Lets through every event except a Pod update that cannot change any
 * Service's endpoints (Kubernetes' `podEndpointsChanged`: the Endpoints and
 * EndpointSlice controllers skip such updates, e.g. a pod's binding to a node
 * or a status write that keeps its IP and readiness).
 */
export const podEndpointsChanged = updatesChanging<Pod>('Pod', endpointInputs);

/** Whether the pod can be a backend at all (Kubernetes' `ShouldPodBeInEndpoints`). */
function eligible(pod: Readonly<Pod>, includeTerminating: boolean): boolean {
  if (isPodFinished(pod) || !pod.status?.podIP) return false;
  return includeTerminating || !isPodTerminating(pod);
}

/**
 * The endpoints of `svc` among `pods`, sorted by pod name so that repeated
 * syncs produce identical objects. `includeTerminating` keeps terminating
 * pods (EndpointSlice publishes them with `terminating: true`; Endpoints
 * drops them unless `publishNotReadyAddresses`).
 */
export function podEndpoints(
  svc: Readonly<Service>,
  pods: readonly Readonly<Pod>[],
  nodes: ObjectCache<Node>,
  includeTerminating: boolean,
): PodEndpoint[] {
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    if (!eligible(pod, includeTerminating || publishNotReady)) continue;
    const ports: ResolvedPort[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = resolveTargetPort(pod, sp);
      if (port !== undefined)
        ports.push({
          name: sp.name,
          port,
          protocol: sp.protocol ?? 'TCP',
          ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
        });
    }
    if (ports.length === 0 && (svc.spec.ports?.length ?? 0) > 0) continue;
    const terminating = isPodTerminating(pod);
    const serving = isPodReady(pod);
    const nodeName = pod.spec.nodeName;
    const zone = nodeName ? nodes.get(undefined, nodeName)?.metadata.labels?.[ZONE_LABEL] : undefined;
    out.push({
      pod,
      ip: pod.status!.podIP!,
      ready: publishNotReady || (serving && !terminating),
      serving: publishNotReady || serving,
      terminating,
      nodeName,
      zone,
      ports,
      portsKey: ports.map((p) => `${p.name ?? ''}/${p.protocol}/${p.port}`).join(','),
      hostname: pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined,
    });
  }
  return out.sort((a, b) =>
    a.pod.metadata.name < b.pod.metadata.name ? -1 : a.pod.metadata.name > b.pod.metadata.name ? 1 : 0,
  );
}
