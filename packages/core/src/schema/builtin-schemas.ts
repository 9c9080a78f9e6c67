import {
  configMapSchema,
  endpointSliceSchema,
  endpointsSchema,
  eventSchema,
  leaseSchema,
  namespaceSchema,
  nodeSchema,
  persistentVolumeClaimSchema,
  persistentVolumeSchema,
  roleBindingSchema,
  roleSchema,
  secretSchema,
  serviceAccountSchema,
  serviceSchema,
} from './core-schemas.js';
import type { ObjectSchema } from './field-schema.js';
import {
  controllerRevisionSchema,
  customResourceDefinitionSchema,
  ingressClassSchema,
  ingressSchema,
  networkPolicySchema,
  podDisruptionBudgetSchema,
  priorityClassSchema,
  storageClassSchema,
} from './more-kind-schemas.js';
import { podSchema } from './pod-schema.js';
import {
  cronJobSchema,
  daemonSetSchema,
  deploymentSchema,
  horizontalPodAutoscalerSchema,
  jobSchema,
  replicaSetSchema,
  replicationControllerSchema,
  statefulSetSchema,
} from './workload-schemas.js';

/**
 * The structural schema of each built-in kind, by kind: the fields its
 * defaulting, validation and Flotilla's controllers read. A kind missing here
 * gets the generic check of `apiVersion`, `kind` and `metadata` only.
 */
export const builtinSchemas: Readonly<Record<string, ObjectSchema>> = {
  Namespace: namespaceSchema,
  Pod: podSchema,
  Node: nodeSchema,
  Service: serviceSchema,
  Endpoints: endpointsSchema,
  EndpointSlice: endpointSliceSchema,
  ReplicaSet: replicaSetSchema,
  ReplicationController: replicationControllerSchema,
  Deployment: deploymentSchema,
  DaemonSet: daemonSetSchema,
  StatefulSet: statefulSetSchema,
  Job: jobSchema,
  CronJob: cronJobSchema,
  HorizontalPodAutoscaler: horizontalPodAutoscalerSchema,
  ConfigMap: configMapSchema,
  Secret: secretSchema,
  ServiceAccount: serviceAccountSchema,
  PersistentVolume: persistentVolumeSchema,
  PersistentVolumeClaim: persistentVolumeClaimSchema,
  Lease: leaseSchema,
  Event: eventSchema,
  Role: roleSchema,
  RoleBinding: roleBindingSchema,
  ClusterRole: roleSchema,
  ClusterRoleBinding: roleBindingSchema,
  ControllerRevision: controllerRevisionSchema,
  PodDisruptionBudget: podDisruptionBudgetSchema,
  CustomResourceDefinition: customResourceDefinitionSchema,
  Ingress: ingressSchema,
  IngressClass: ingressClassSchema,
  NetworkPolicy: networkPolicySchema,
  StorageClass: storageClassSchema,
  PriorityClass: priorityClassSchema,
};
