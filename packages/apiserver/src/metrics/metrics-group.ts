/** The resource metrics API group and version (`kubectl top` reads it). */
export const METRICS_GROUP = 'metrics.k8s.io';
/** Its one served version. */
export const METRICS_VERSION = 'v1beta1';
const GROUP_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** The group's resources as both discovery formats describe them. */
const RESOURCES = [
  { resource: 'nodes', kind: 'NodeMetrics', namespaced: false },
  { resource: 'pods', kind: 'PodMetrics', namespaced: true },
] as const;

/** The group's entry in aggregated discovery (`/apis`, `apidiscovery.k8s.io/v2`). */
export function aggregatedMetricsGroup() {
  return {
    metadata: { name: METRICS_GROUP },
    versions: [
      {
        version: METRICS_VERSION,
        resources: RESOURCES.map((r) => ({
          resource: r.resource,
          responseKind: { group: METRICS_GROUP, version: METRICS_VERSION, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: '',
          verbs: ['get', 'list'],
        })),
        freshness: 'Current' as const,
      },
    ],
  };
}

/** `/apis/metrics.k8s.io`, or its entry in the legacy `/apis` list. */
export function metricsApiGroup() {
  const version = { groupVersion: GROUP_VERSION, version: METRICS_VERSION };
  return { name: METRICS_GROUP, versions: [version], preferredVersion: version };
}

/** `/apis/metrics.k8s.io/v1beta1`. */
export function metricsResourceList() {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GROUP_VERSION,
    resources: RESOURCES.map((r) => ({
      name: r.resource,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'list'],
    })),
  };
}
