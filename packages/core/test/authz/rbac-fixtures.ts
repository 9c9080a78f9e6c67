import { RbacAuthorizer } from '../../src/authz/rbac-authorizer.js';
import type { AuthorizationAttributes } from '../../src/authz/types.js';
import { Cache } from '../../src/informer/cache.js';
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from '../../src/model/rbac-v1.js';

/** `newRule("get,list", "", "pods", "")` as Kubernetes' rbac_test.go writes rules: comma lists, `''` for none. */
export function newRule(verbs: string, apiGroups: string, resources: string, nonResourceURLs: string): PolicyRule {
  return {
    verbs: verbs.split(','),
    apiGroups: apiGroups.split(','),
    resources: resources.split(','),
    nonResourceURLs: nonResourceURLs.split(','),
  };
}

/** `User:alice`, `Group:admins`, `ServiceAccount:ns:name` as the upstream tests spell subjects. */
export function subject(spec: string): Subject {
  const [kind, ...rest] = spec.split(':');
  if (kind === 'ServiceAccount') {
    const [namespace, name] = rest as [string, string];
    return { kind, namespace, name };
  }
  return { kind: kind as 'User' | 'Group', apiGroup: 'rbac.authorization.k8s.io', name: rest.join(':') };
}

let counter = 0;
const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  resourceVersion: '1',
});

export const role = (name: string, namespace: string, ...rules: PolicyRule[]): Role => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: meta(name, namespace),
  rules,
});
export const clusterRole = (name: string, ...rules: PolicyRule[]): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: meta(name),
  rules,
});
export const roleBinding = (
  namespace: string,
  roleName: string,
  to: 'Role' | 'ClusterRole',
  ...subjects: string[]
): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: meta(`rb-${++counter}`, namespace),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: to, name: roleName },
  subjects: subjects.map(subject),
});
export const clusterRoleBinding = (roleName: string, ...subjects: string[]): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: meta(`crb-${++counter}`),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: subjects.map(subject),
});

/** The four objects kinds of a test case. */
export interface RbacObjects {
  roles?: Role[];
  clusterRoles?: ClusterRole[];
  roleBindings?: RoleBinding[];
  clusterRoleBindings?: ClusterRoleBinding[];
}

/** Caches filled with `objects`, and an RBAC authorizer reading them. */
export function rbacOf(objects: RbacObjects) {
  const caches = {
    roles: new Cache<Role>(),
    clusterRoles: new Cache<ClusterRole>(),
    roleBindings: new Cache<RoleBinding>(),
    clusterRoleBindings: new Cache<ClusterRoleBinding>(),
  };
  for (const r of objects.roles ?? []) caches.roles.put(r);
  for (const r of objects.clusterRoles ?? []) caches.clusterRoles.put(r);
  for (const b of objects.roleBindings ?? []) caches.roleBindings.put(b);
  for (const b of objects.clusterRoleBindings ?? []) caches.clusterRoleBindings.put(b);
  return { caches, rbac: new RbacAuthorizer(caches) };
}

/** A resource request, defaults filled in. */
export function resourceAttributes(
  a: Partial<AuthorizationAttributes> & { username?: string; groups?: string[] },
): AuthorizationAttributes {
  const { username = '', groups = [], ...rest } = a;
  return {
    user: { username, groups },
    verb: '',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path: '',
    ...rest,
  };
}
