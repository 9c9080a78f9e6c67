/**
 * CoreDNS's SRV weight for one of `count` records of equal priority and no
 * weight of their own (plugin/backend_lookup.go): 100 split evenly, rounded
 * down, at least 1, computed in the same floating-point steps.
 */
export function srvWeight(count: number): number {
  return Math.max(1, Math.floor((100 / (100 * count)) * 100));
}
