import type { Service } from '../model/core-v1.js';

/** Kubernetes' default ClientIP session affinity timeout (3 hours). */
export const DEFAULT_CLIENT_IP_SESSION_TIMEOUT_SECONDS = 10800;

/**
 * Kubernetes' Service defaults: type ClusterIP, session affinity None (with
 * a 10800 s timeout when ClientIP), port protocol TCP, targetPort = port,
 * externalTrafficPolicy Cluster for NodePort/LoadBalancer and
 * internalTrafficPolicy Cluster for anything but ExternalName.
 */
export function defaultService(svc: Service): void {
  if (!svc.spec) return;
  const spec = svc.spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= DEFAULT_CLIENT_IP_SESSION_TIMEOUT_SECONDS;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
}
