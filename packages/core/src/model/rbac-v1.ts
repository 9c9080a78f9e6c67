import type { KubeObject, LabelSelector } from './meta.js';

/** A set of permissions. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/** Who a binding grants to. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** Namespaced permissions. */
export interface Role extends KubeObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'Role';
  rules?: PolicyRule[];
}

/** Cluster-wide permissions. */
export interface ClusterRole extends KubeObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole';
  rules?: PolicyRule[];
  /** When set, the rules are those of every ClusterRole a selector matches, kept so by the aggregation controller. */
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

/** Grants a Role (or ClusterRole) within a namespace. */
export interface RoleBinding extends KubeObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'RoleBinding';
  subjects?: Subject[];
  roleRef: { apiGroup: string; kind: 'Role' | 'ClusterRole'; name: string };
}

/** Grants a ClusterRole cluster-wide. */
export interface ClusterRoleBinding extends KubeObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRoleBinding';
  subjects?: Subject[];
  roleRef: { apiGroup: string; kind: 'ClusterRole'; name: string };
}
