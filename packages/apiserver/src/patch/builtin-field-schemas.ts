import { atomicList, type FieldSchema, mapList, mapOf, setList, struct } from './field-schema.js';

// The tags below are those of kubernetes/api (core/v1, apps/v1, batch/v1,
// autoscaling/v2, rbac/v1, ...) `types.go` at 1.32: `patchStrategy` /
// `patchMergeKey` for strategic merge, `listType` / `listMapKey` for apply.
// Lists not named here are atomic in both, as their untagged Go fields are.

const byName = (items?: FieldSchema) => mapList(['name'], items);
const byType = mapList(['type']);

const stringMap = mapOf({});

// `+mapType=atomic` (a Service's selector, a pod's nodeSelector): one manager owns it whole.
const atomicStringMap: FieldSchema = { ...stringMap, atomic: true };

// `+structType=atomic`: an env var's ConfigMapKeySelector, SecretKeySelector, ObjectFieldSelector and
// ResourceFieldSelector.
const atomicStruct = struct({}, { atomic: true });
const envVar = struct({
  valueFrom: struct({
    configMapKeyRef: atomicStruct,
    secretKeyRef: atomicStruct,
    fieldRef: atomicStruct,
    resourceFieldRef: atomicStruct,
  }),
});

const objectMeta = struct({
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: mapList(['uid']),
  finalizers: setList,
  managedFields: atomicList,
});

// `LabelSelector` is `+structType=atomic`.
const labelSelector = struct({ matchExpressions: atomicList }, { atomic: true });

const resourceRequirements = struct({ limits: stringMap, requests: stringMap, claims: byName() });

const container = struct({
  ports: mapList(['containerPort', 'protocol'], undefined, { protocol: 'TCP' }),
  env: byName(envVar),
  volumeMounts: mapList(['mountPath']),
  volumeDevices: mapList(['devicePath']),
  resources: resourceRequirements,
  resizePolicy: mapList(['resourceName']),
});

// `Volume.VolumeSource` is inlined with `patchStrategy:"retainKeys"`.
const volume = struct({}, { retainKeys: true });

const podSpec = struct({
  volumes: byName(volume),
  initContainers: byName(container),
  containers: byName(container),
  ephemeralContainers: byName(container),
  imagePullSecrets: byName(),
  hostAliases: mapList(['ip']),
  topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: byName(struct({}, { retainKeys: true })),
  schedulingGates: byName(),
  readinessGates: atomicList,
  tolerations: atomicList,
  nodeSelector: atomicStringMap,
});

const podTemplateSpec = struct({ metadata: objectMeta, spec: podSpec });

const podStatus = struct({
  conditions: byType,
  podIPs: mapList(['ip']),
  hostIPs: mapList(['ip']),
  resourceClaimStatuses: byName(),
});

const withStatusConditions = struct({ conditions: byType });

const workloadSpec = (extra: Record<string, FieldSchema> = {}) =>
  struct({ selector: labelSelector, template: podTemplateSpec, ...extra });

const jobSpec = struct({ selector: labelSelector, template: podTemplateSpec });

const servicePorts = mapList(['port', 'protocol'], undefined, { protocol: 'TCP' });

/** Kind descriptions by `apiVersion` and `kind`; every kind also gets `metadata`. */
const kinds: Record<string, Record<string, FieldSchema>> = {
  'v1 Pod': { spec: podSpec, status: podStatus },
  'v1 PodTemplate': { template: podTemplateSpec },
  'v1 ReplicationController': {
    spec: struct({ template: podTemplateSpec }),
    status: withStatusConditions,
  },
  'apps/v1 ReplicaSet': { spec: workloadSpec(), status: withStatusConditions },
  // `DeploymentSpec.Strategy` carries `patchStrategy:"retainKeys"`.
  'apps/v1 Deployment': {
    spec: workloadSpec({ strategy: struct({}, { retainKeys: true }) }),
    status: withStatusConditions,
  },
  'apps/v1 DaemonSet': { spec: workloadSpec(), status: withStatusConditions },
  'apps/v1 StatefulSet': { spec: workloadSpec({ volumeClaimTemplates: atomicList }), status: withStatusConditions },
  'batch/v1 Job': { spec: jobSpec, status: withStatusConditions },
  'batch/v1 CronJob': {
    spec: struct({ jobTemplate: struct({ metadata: objectMeta, spec: jobSpec }) }),
    status: struct({ active: atomicList }),
  },
  'v1 Service': {
    spec: struct({
      selector: atomicStringMap,
      ports: servicePorts,
      externalIPs: atomicList,
      clusterIPs: atomicList,
      ipFamilies: atomicList,
    }),
    status: withStatusConditions,
  },
  'v1 Node': {
    spec: struct({ podCIDRs: setList, taints: atomicList }),
    status: struct({ conditions: byType, addresses: byType }),
  },
  'v1 Namespace': { status: withStatusConditions },
  'v1 ServiceAccount': { secrets: byName() },
  'v1 PersistentVolume': { status: withStatusConditions },
  'v1 PersistentVolumeClaim': { status: withStatusConditions },
  'autoscaling/v2 HorizontalPodAutoscaler': { spec: struct({ metrics: atomicList }), status: withStatusConditions },
  'autoscaling/v1 HorizontalPodAutoscaler': {},
  'v1 ConfigMap': { data: stringMap, binaryData: stringMap },
  'v1 Secret': { data: stringMap, stringData: stringMap },
  'policy/v1 PodDisruptionBudget': { spec: struct({ selector: labelSelector }), status: withStatusConditions },
};

/** Kinds whose only tagged field is `metadata`'s. */
const plainKinds = [
  'v1 Endpoints',
  'v1 Event',
  'v1 ResourceQuota',
  'v1 LimitRange',
  'discovery.k8s.io/v1 EndpointSlice',
  'coordination.k8s.io/v1 Lease',
  'events.k8s.io/v1 Event',
  'rbac.authorization.k8s.io/v1 Role',
  'rbac.authorization.k8s.io/v1 RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'scheduling.k8s.io/v1 PriorityClass',
  'networking.k8s.io/v1 Ingress',
  'networking.k8s.io/v1 NetworkPolicy',
  'autoscaling/v1 Scale',
  'apps/v1 ControllerRevision',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'networking.k8s.io/v1 IngressClass',
  'storage.k8s.io/v1 StorageClass',
];

const schemas = new Map<string, FieldSchema>(
  [...Object.entries(kinds), ...plainKinds.map((k): [string, Record<string, FieldSchema>] => [k, {}])].map(
    ([key, fields]) => [key, struct({ metadata: objectMeta, ...fields })],
  ),
);

/**
 * The merge description of a built-in kind, or `undefined` for a kind
 * Kubernetes has no Go struct for (a custom resource): strategic merge patch
 * is then refused, and server-side apply treats every list as atomic unless
 * the kind's schema says otherwise.
 */
export function builtinFieldSchema(apiVersion: string, kind: string): FieldSchema | undefined {
  return schemas.get(`${apiVersion} ${kind}`);
}
