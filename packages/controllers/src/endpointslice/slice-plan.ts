import type { PodEndpoint, ResolvedPort } from '../service-backends/pod-endpoint.js';
import type { Endpoint, EndpointPort, EndpointSlice } from './discovery-types.js';

/** The writes that bring a service's slices to the desired endpoints. */
export interface SlicePlan {
  /** New slices: endpoints and ports only; the caller adds metadata. */
  create: { endpoints: Endpoint[]; ports: EndpointPort[] }[];
  /** Existing slices with new content. */
  update: EndpointSlice[];
  delete: Readonly<EndpointSlice>[];
}

/** The discovery.k8s.io/v1 form of a pod endpoint. */
export function toEndpoint(e: PodEndpoint): Endpoint {
  const pod = e.pod.metadata;
  return {
    addresses: [e.ip],
    conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    ...(e.zone ? { zone: e.zone } : {}),
    targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
}

function toPorts(ports: readonly ResolvedPort[]): EndpointPort[] {
  return ports.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: p.port,
    protocol: p.protocol,
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
}

function portsKeyOf(ports: readonly EndpointPort[] | undefined): string {
  return (ports ?? []).map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port}`).join(',');
}

function idOf(e: Endpoint): string {
  return e.targetRef?.uid ?? e.addresses[0];
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Working state of one existing slice during planning. */
interface Draft {
  slice: Readonly<EndpointSlice>;
  endpoints: Endpoint[];
  changed: boolean;
}

/**
 * Plans the slices of one service (Kubernetes' EndpointSlice reconciler,
 * simplified but with its aim: touch as few slices as possible).
 *
 * Per port set: an endpoint already in a slice stays there (updated in
 * place if its conditions changed); gone endpoints are removed; new ones
 * fill slices that change anyway, then slices with room, then new slices
 * of at most `maxPerSlice`. Emptied slices and slices of port sets no longer
 * wanted are deleted. A service without endpoints keeps one empty slice,
 * as Kubernetes' placeholder.
 *
 * Guarantees: no slice exceeds `maxPerSlice`; each desired endpoint is in
 * exactly one slice; a slice whose content is unchanged is not written, so
 * one pod's change rewrites one slice.
 */
export function planSlices(
  existing: readonly Readonly<EndpointSlice>[],
  desired: readonly PodEndpoint[],
  maxPerSlice: number,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  for (const e of desired) {
    let group = groups.get(e.portsKey);
    if (!group) {
      group = { ports: toPorts(e.ports), endpoints: new Map() };
      groups.set(e.portsKey, group);
    }
    const endpoint = toEndpoint(e);
    group.endpoints.set(idOf(endpoint), endpoint);
  }
  const slicesByPorts = new Map<string, Readonly<EndpointSlice>[]>();
  for (const s of existing) {
    const key = portsKeyOf(s.ports);
    if (!groups.has(key)) {
      plan.delete.push(s);
      continue;
    }
    slicesByPorts.set(key, [...(slicesByPorts.get(key) ?? []), s]);
  }

  for (const [key, group] of groups) {
    const drafts: Draft[] = [];
    for (const slice of slicesByPorts.get(key) ?? []) {
      const kept: Endpoint[] = [];
      let changed = false;
      for (const e of slice.endpoints ?? []) {
        const id = idOf(e);
        const want = group.endpoints.get(id);
        if (!want || kept.length >= maxPerSlice) {
          changed = true;
          continue;
        }
        group.endpoints.delete(id);
        if (!sameEndpoint(want, e)) changed = true;
        kept.push(want);
      }
      drafts.push({ slice, endpoints: kept, changed });
    }
    const remaining = [...group.endpoints.values()];
    const fillOrder = [...drafts.filter((d) => d.changed), ...drafts.filter((d) => !d.changed)];
    for (const d of fillOrder) {
      while (remaining.length > 0 && d.endpoints.length < maxPerSlice) {
        d.endpoints.push(remaining.shift()!);
        d.changed = true;
      }
    }
    for (let i = 0; i < remaining.length; i += maxPerSlice) {
      plan.create.push({ endpoints: remaining.slice(i, i + maxPerSlice), ports: group.ports });
    }
    for (const d of drafts) {
      if (d.endpoints.length === 0) plan.delete.push(d.slice);
      else if (d.changed)
        plan.update.push({ ...(d.slice as EndpointSlice), endpoints: d.endpoints, ports: group.ports });
    }
  }

  if (groups.size === 0) keepPlaceholder(existing, plan);
  return plan;
}

/** With no endpoints, one empty slice stays (the first existing one, or a new one) and every other goes. */
function keepPlaceholder(existing: readonly Readonly<EndpointSlice>[], plan: SlicePlan): void {
  plan.delete = [];
  const [first, ...rest] = existing;
  plan.delete.push(...rest);
  if (!first) plan.create.push({ endpoints: [], ports: [] });
  else if ((first.endpoints?.length ?? 0) > 0 || (first.ports?.length ?? 0) > 0)
    plan.update.push({ ...(first as EndpointSlice), endpoints: [], ports: [] });
}
