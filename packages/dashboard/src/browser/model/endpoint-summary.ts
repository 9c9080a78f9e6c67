import type { Endpoints } from '@flotilla/core';

/** `ip:port` of every ready address, and how many are not ready. */
export function endpointSummary(ep: Endpoints | undefined): { ready: string[]; notReady: number } {
  const ready: string[] = [];
  let notReady = 0;
  for (const subset of ep?.subsets ?? []) {
    const ports = subset.ports?.length ? subset.ports.map((p) => p.port) : [undefined];
    for (const a of subset.addresses ?? []) for (const port of ports) ready.push(port ? `${a.ip}:${port}` : a.ip);
    notReady += subset.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}
