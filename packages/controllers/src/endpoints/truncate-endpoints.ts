import type { EndpointAddress, Endpoints } from '@flotilla/core';

type Subset = NonNullable<Endpoints['subsets']>[number];

/** Most addresses, ready and not ready together, one Endpoints object lists (Kubernetes' `maxCapacity`). */
export const MAX_ENDPOINTS_CAPACITY = 1000;
/** Annotation on an Endpoints object whose addresses were cut to the capacity; its value is `truncated`. */
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

const count = (list: readonly EndpointAddress[] | undefined) => list?.length ?? 0;

/**
 * Cuts `subsets` to at most `capacity` addresses as Kubernetes' Endpoints
 * controller does: ready addresses come first; the cut list (not-ready ones
 * while the ready fit, else the ready ones, dropping every not-ready one)
 * keeps a share per subset proportional to its size, rounded up, with the
 * last subsets taking what is left. Returns the subsets unchanged when they
 * fit. Unlike Kubernetes, a subset left with no address is dropped, since an
 * Endpoints subset must list some.
 */
export function truncateEndpoints(
  subsets: readonly Subset[],
  capacity = MAX_ENDPOINTS_CAPACITY,
): { subsets: Subset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += count(s.addresses);
    totalNotReady += count(s.notReadyAddresses);
  }
  if (totalReady + totalNotReady <= capacity) return { subsets: [...subsets], truncated: false };

  const cutReady = totalReady > capacity;
  const room = cutReady ? capacity : capacity - totalReady;
  const cutTotal = cutReady ? totalReady : totalNotReady;
  let left = room;
  const kept: Subset[] = [];
  for (const s of subsets) {
    const list = cutReady ? s.addresses : s.notReadyAddresses;
    const share = Math.min(Math.ceil((count(list) / cutTotal) * room), left);
    const taken = (list ?? []).slice(0, share);
    left -= taken.length;
    const addresses = cutReady ? taken : (s.addresses ?? []);
    const notReadyAddresses = cutReady ? [] : taken;
    if (addresses.length === 0 && notReadyAddresses.length === 0) continue;
    kept.push({
      ...(addresses.length ? { addresses } : {}),
      ...(notReadyAddresses.length ? { notReadyAddresses } : {}),
      ...(s.ports ? { ports: s.ports } : {}),
    });
  }
  return { subsets: kept, truncated: true };
}
