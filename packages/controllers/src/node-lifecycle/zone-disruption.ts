import type { Node } from '@flotilla/core';

/** The node label naming a node's failure zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** The region label; with the zone it forms Kubernetes' zone key. */
export const REGION_LABEL = 'topology.kubernetes.io/region';

/** Kubernetes' zone health states. */
export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Eviction tuning, Kubernetes' kube-controller-manager flags and defaults. */
export interface DisruptionOptions {
  /** `--node-eviction-rate`: nodes per second tainted for eviction in a healthy zone. Default 0.1. */
  evictionRate?: number;
  /** `--secondary-node-eviction-rate`: the rate in a partially disrupted large zone. Default 0.01. */
  secondaryEvictionRate?: number;
  /** `--large-cluster-size-threshold`: zones with more nodes count as large. Default 50. */
  largeClusterSizeThreshold?: number;
  /** `--unhealthy-zone-threshold`: share of not-ready nodes that makes a zone partially disrupted. Default 0.55. */
  unhealthyZoneThreshold?: number;
}

/** `DisruptionOptions` with every default applied. */
export type ResolvedDisruptionOptions = Required<DisruptionOptions>;

/** Fills in Kubernetes' defaults. */
export function resolveDisruptionOptions(opts: DisruptionOptions = {}): ResolvedDisruptionOptions {
  return {
    evictionRate: opts.evictionRate ?? 0.1,
    secondaryEvictionRate: opts.secondaryEvictionRate ?? 0.01,
    largeClusterSizeThreshold: opts.largeClusterSizeThreshold ?? 50,
    unhealthyZoneThreshold: opts.unhealthyZoneThreshold ?? 0.55,
  };
}

/** A node's zone key (`region:\0:zone`, as Kubernetes' `GetZoneKey`); `''` for nodes without topology labels. */
export function zoneOf(node: Readonly<Node>): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels[ZONE_LABEL] ?? '';
  const region = labels[REGION_LABEL] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\0:${zone}`;
}

/**
 * A zone's state from its ready and not-ready node counts (Kubernetes'
 * `ComputeZoneState`): no ready node at all is a full disruption; more than
 * two not-ready nodes making up at least the threshold share is partial.
 */
export function zoneState(ready: number, notReady: number, unhealthyThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (ready + notReady) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}

/**
 * Nodes per second that may be tainted for eviction in a zone (Kubernetes'
 * `setLimiterInZone`): the normal rate when healthy and, perhaps
 * surprisingly, also in full disruption of one zone (its workloads must move
 * elsewhere); in partial disruption the secondary rate for large zones and
 * none for small ones. Callers stop every eviction when all zones are fully
 * disrupted (the controller itself is then probably cut off).
 */
export function evictionRateFor(state: ZoneState, zoneSize: number, opts: ResolvedDisruptionOptions): number {
  if (state !== 'PartialDisruption') return opts.evictionRate;
  return zoneSize > opts.largeClusterSizeThreshold ? opts.secondaryEvictionRate : 0;
}
