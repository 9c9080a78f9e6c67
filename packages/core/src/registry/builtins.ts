import { structuralSchemaErrors } from '../apiextensions/schema-structure.js';
import { defaultHorizontalPodAutoscaler } from '../defaulting/autoscaling.js';
import { defaultCronJob, defaultJob } from '../defaulting/batch.js';
import {
  defaultNamespace,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultSecret,
} from '../defaulting/cluster.js';
import { defaultCustomResourceDefinition } from '../defaulting/custom-resource-definition.js';
import { defaultNetworkPolicy, defaultStorageClass } from '../defaulting/networking.js';
import { admitPodDefaults, defaultPod } from '../defaulting/pod.js';
import { defaultService } from '../defaulting/service.js';
import { defaultStatefulSet } from '../defaulting/statefulset.js';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultReplicationController,
} from '../defaulting/workloads.js';
import type { BuiltinKind, BuiltinKinds } from '../model/kinds.js';
import { builtinSchemas } from '../schema/builtin-schemas.js';
import { validateHorizontalPodAutoscaler } from '../validation/autoscaling.js';
import { validateCronJob, validateJob } from '../validation/batch.js';
import { validateNamespace, validateNode, validateServiceAccount } from '../validation/cluster.js';
import { validateConfigMap, validateSecret } from '../validation/config.js';
import { validateLease } from '../validation/coordination.js';
import { validateCustomResourceDefinition } from '../validation/custom-resource-definition.js';
import { validateEndpointSlice, validateEndpoints } from '../validation/discovery.js';
import { validateEvent } from '../validation/events.js';
import { validateIngress, validateIngressClass, validateNetworkPolicy } from '../validation/networking.js';
import { validatePod } from '../validation/pod.js';
import { validatePodDisruptionBudget } from '../validation/policy.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateRole,
  validateRoleBinding,
} from '../validation/rbac.js';
import { validatePriorityClass } from '../validation/scheduling.js';
import { validateService } from '../validation/service.js';
import { validateControllerRevision, validateStatefulSet } from '../validation/statefulset.js';
import { validatePersistentVolume, validatePersistentVolumeClaim } from '../validation/storage.js';
import { validateStorageClass } from '../validation/storage-class.js';
import {
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateReplicationController,
} from '../validation/workloads.js';
import { keepAdmittedPriority } from './pod-update.js';
import { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';
import { keepAllocatedServiceFields } from './service-update.js';

/**
 * Names and scopes of the built-in kinds. Defaulting and validation are
 * attached in `builtinResourceTypes()`.
 */
export const builtinKindInfo: readonly Omit<ResourceType, 'default' | 'validate' | 'schema'>[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    statusSubresource: true,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['po'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    namespaced: false,
    statusSubresource: true,
    shortNames: ['no'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['svc'],
  },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['rs'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    plural: 'replicationcontrollers',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['rc'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['ds'],
  },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, statusSubresource: true },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['cj'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['hpa'],
  },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'] },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    statusSubresource: true,
    shortNames: ['pv'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['pvc'],
  },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['sts'],
  },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['pdb'],
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    statusSubresource: true,
    shortNames: ['crd', 'crds'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    statusSubresource: true,
    shortNames: ['ing'],
  },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    shortNames: ['netpol'],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
  },
];

/** The behaviour half of a built-in kind: name rule, defaulting and validation, typed per kind. */
type KindBehaviour<K extends BuiltinKind> = Pick<
  ResourceType<BuiltinKinds[K]>,
  'nameFormat' | 'prepareForUpdate' | 'default' | 'admissionDefault' | 'validate'
>;

/**
 * Defaulting and validation of each built-in kind. Namespaces are DNS-1123
 * labels and Services DNS-1035 labels (their names become DNS labels); the
 * RBAC kinds are path segments, as in Kubernetes, so that its
 * `system:controller:...` roles load unchanged; so are Events (Kubernetes
 * checks only that for core/v1 Events), whose names are `<object>.<hex>` and
 * so hold whatever the involved object's name holds; everything else uses
 * the DNS-1123 subdomain rule.
 */
const builtinBehaviour: { [K in BuiltinKind]: KindBehaviour<K> } = {
  Namespace: { nameFormat: 'dns1123Label', default: defaultNamespace, validate: validateNamespace },
  Pod: {
    prepareForUpdate: keepAdmittedPriority,
    default: defaultPod,
    admissionDefault: admitPodDefaults,
    validate: validatePod,
  },
  Node: { validate: validateNode },
  Service: {
    nameFormat: 'dns1035Label',
    prepareForUpdate: keepAllocatedServiceFields,
    default: defaultService,
    validate: validateService,
  },
  Endpoints: { validate: validateEndpoints },
  EndpointSlice: { validate: validateEndpointSlice },
  ReplicaSet: { default: defaultReplicaSet, validate: validateReplicaSet },
  ReplicationController: { default: defaultReplicationController, validate: validateReplicationController },
  Deployment: { default: defaultDeployment, validate: validateDeployment },
  DaemonSet: { default: defaultDaemonSet, validate: validateDaemonSet },
  Job: { default: defaultJob, validate: validateJob },
  CronJob: { default: defaultCronJob, validate: validateCronJob },
  HorizontalPodAutoscaler: { default: defaultHorizontalPodAutoscaler, validate: validateHorizontalPodAutoscaler },
  ConfigMap: { validate: validateConfigMap },
  Secret: { default: defaultSecret, validate: validateSecret },
  ServiceAccount: { validate: validateServiceAccount },
  PersistentVolume: { default: defaultPersistentVolume, validate: validatePersistentVolume },
  PersistentVolumeClaim: { default: defaultPersistentVolumeClaim, validate: validatePersistentVolumeClaim },
  Lease: { validate: validateLease },
  Event: { nameFormat: 'pathSegment', validate: validateEvent },
  Role: { nameFormat: 'pathSegment', validate: validateRole },
  RoleBinding: { nameFormat: 'pathSegment', validate: validateRoleBinding },
  ClusterRole: { nameFormat: 'pathSegment', validate: validateClusterRole },
  ClusterRoleBinding: { nameFormat: 'pathSegment', validate: validateClusterRoleBinding },
  StatefulSet: { default: defaultStatefulSet, validate: validateStatefulSet },
  ControllerRevision: { validate: validateControllerRevision },
  PodDisruptionBudget: { validate: validatePodDisruptionBudget },
  CustomResourceDefinition: {
    default: defaultCustomResourceDefinition,
    validate: (crd, old) => [...validateCustomResourceDefinition(crd, old), ...structuralSchemaErrors(crd)],
  },
  Ingress: { validate: validateIngress },
  IngressClass: { validate: validateIngressClass },
  NetworkPolicy: { default: defaultNetworkPolicy, validate: validateNetworkPolicy },
  StorageClass: { default: defaultStorageClass, validate: validateStorageClass },
  PriorityClass: {
    default: (pc) => {
      pc.preemptionPolicy ??= 'PreemptLowerPriority';
    },
    validate: validatePriorityClass,
  },
};

/**
 * Every built-in kind as a complete `ResourceType`: `builtinKindInfo`'s
 * names and scopes with the kind's name rule, defaulting and validation.
 * Returns fresh objects, so callers may not affect each other.
 */
export function builtinResourceTypes(): ResourceType[] {
  return builtinKindInfo.map((info) => ({
    ...info,
    schema: builtinSchemas[info.kind],
    ...(builtinBehaviour[info.kind as BuiltinKind] as KindBehaviour<BuiltinKind> as Partial<ResourceType>),
  }));
}

/** A registry holding every built-in kind, ready for `registerResource` of custom kinds. */
export function createBuiltinRegistry(): ResourceRegistry {
  return new ResourceRegistry(builtinResourceTypes());
}
