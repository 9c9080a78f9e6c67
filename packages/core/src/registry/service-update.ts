import type { Service } from '../model/core-v1.js';

/**
 * Keeps the values the service allocator assigned when an update leaves them
 * out, so that replacing a Service from its manifest (which names no cluster
 * IP or node ports) is not refused as changing an immutable field. Kubernetes
 * does the same on update. Only absent fields are filled; a changed value is
 * left for validation to judge. Node ports are matched by port and protocol.
 */
export function keepAllocatedServiceFields(svc: Service, old: Service): void {
  if (!svc.spec || !old.spec) return;
  const spec = svc.spec;
  const type = spec.type ?? 'ClusterIP';
  if (type !== 'ExternalName' && !spec.clusterIP && old.spec.clusterIP) {
    spec.clusterIP = old.spec.clusterIP;
    if (!spec.clusterIPs && old.spec.clusterIPs) spec.clusterIPs = [...old.spec.clusterIPs];
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const protocol = port.protocol ?? 'TCP';
      const before = old.spec.ports?.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === protocol);
      if (before?.nodePort) port.nodePort = before.nodePort;
    }
    if (!spec.healthCheckNodePort && old.spec.healthCheckNodePort)
      spec.healthCheckNodePort = old.spec.healthCheckNodePort;
  }
}
