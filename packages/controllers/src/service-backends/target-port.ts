import type { Pod, Protocol, ServicePort } from '@flotilla/core';

/**
 * The pod port a Service port sends traffic to (Kubernetes' `podutil.FindPort`):
 * a number as is; a name looked up among the pod's container ports with the
 * same protocol. Undefined when the pod has no port of that name, in which
 * case the pod is not an endpoint for that port.
 */
export function resolveTargetPort(pod: Readonly<Pod>, port: Readonly<ServicePort>): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol: Protocol = port.protocol ?? 'TCP';
  for (const container of pod.spec.containers) {
    for (const p of container.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
