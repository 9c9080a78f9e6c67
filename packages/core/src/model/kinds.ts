import type { CustomResourceDefinition } from './apiextensions-v1.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from './apps-v1.js';
import type { HorizontalPodAutoscaler } from './autoscaling-v2.js';
import type { CronJob, Job } from './batch-v1.js';
import type { Lease } from './coordination-v1.js';
import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
} from './core-v1.js';
import type { EndpointSlice } from './discovery-v1.js';
import type { Ingress, IngressClass, NetworkPolicy } from './networking-v1.js';
import type { PodDisruptionBudget } from './policy-v1.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './rbac-v1.js';
import type { PriorityClass } from './scheduling-v1.js';
import type { StorageClass } from './storage-v1.js';

/**
 * Kind name to TypeScript type for every built-in kind. `api.resource('Pod')`
 * uses it to return a typed client; custom kinds fall back to `KubeObject`
 * (or to the type a user passes: `api.resource<Website>('Website')`).
 */
export interface BuiltinKinds {
  Namespace: Namespace;
  Pod: Pod;
  Node: Node;
  Service: Service;
  Endpoints: Endpoints;
  EndpointSlice: EndpointSlice;
  ReplicaSet: ReplicaSet;
  ReplicationController: ReplicationController;
  Deployment: Deployment;
  DaemonSet: DaemonSet;
  Job: Job;
  CronJob: CronJob;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  ConfigMap: ConfigMap;
  Secret: Secret;
  ServiceAccount: ServiceAccount;
  PersistentVolume: PersistentVolume;
  PersistentVolumeClaim: PersistentVolumeClaim;
  Lease: Lease;
  Event: Event;
  Role: Role;
  RoleBinding: RoleBinding;
  ClusterRole: ClusterRole;
  ClusterRoleBinding: ClusterRoleBinding;
  StatefulSet: StatefulSet;
  ControllerRevision: ControllerRevision;
  PodDisruptionBudget: PodDisruptionBudget;
  CustomResourceDefinition: CustomResourceDefinition;
  Ingress: Ingress;
  IngressClass: IngressClass;
  NetworkPolicy: NetworkPolicy;
  StorageClass: StorageClass;
  PriorityClass: PriorityClass;
}

/** The name of a built-in kind. */
export type BuiltinKind = keyof BuiltinKinds;
