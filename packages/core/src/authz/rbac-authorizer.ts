import type { InformerFactory } from '../informer/informer-factory.js';
import type { ObjectCache } from '../informer/types.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../model/rbac-v1.js';
import { allow, noOpinion } from './decisions.js';
import { ruleAllows } from './policy-rule.js';
import type { AuthorizationAttributes, AuthorizationDecision, RuleResolvingAuthorizer, UserInfo } from './types.js';

/** The caches RBAC reads: the four kinds of `rbac.authorization.k8s.io/v1`. */
export interface RbacCaches {
  roles: ObjectCache<Role>;
  clusterRoles: ObjectCache<ClusterRole>;
  roleBindings: ObjectCache<RoleBinding>;
  clusterRoleBindings: ObjectCache<ClusterRoleBinding>;
}

/** A binding's reference to the role it grants. */
export type RoleRef = RoleBinding['roleRef'];

const SUBJECT_INDEX = 'rbac.authorization.subjects';

/** The prefix of every ServiceAccount's user name. */
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

/**
 * The keys a subject is indexed under: its user name (a ServiceAccount's is
 * `system:serviceaccount:<ns>:<name>`, its namespace defaulting to the
 * binding's) or its group, prefixed by the binding's namespace for RoleBindings.
 */
function subjectKeys(subjects: readonly Subject[] | undefined, bindingNamespace: string): string[] {
  return (subjects ?? []).map((s) => {
    const ns = bindingNamespace ? `${bindingNamespace}|` : '';
    if (s.kind === 'ServiceAccount') {
      return `${ns}User:${SERVICE_ACCOUNT_USER_PREFIX}${s.namespace || bindingNamespace}:${s.name}`;
    }
    return `${ns}${s.kind}:${s.name}`;
  });
}

/** The index keys a user's bindings are found under. */
function userKeys(user: UserInfo, namespace: string): string[] {
  const ns = namespace ? `${namespace}|` : '';
  return [`${ns}User:${user.username}`, ...user.groups.map((g) => `${ns}Group:${g}`)];
}

/** A binding that applies to a user, with the rules of the role it grants. */
interface Grant {
  binding: RoleBinding | ClusterRoleBinding;
  rules: readonly PolicyRule[];
}

/**
 * Kubernetes' RBAC authorizer (`--authorization-mode=RBAC`), reading Roles,
 * ClusterRoles and their bindings from informer caches. Bindings are
 * indexed by subject, so a decision reads only the bindings naming the
 * user or one of its groups, however many bindings the cluster holds.
 *
 * Guarantees:
 * - A request is allowed when a ClusterRoleBinding, or a RoleBinding in the
 *   request's namespace, grants the user (or a group of it) a role with a
 *   rule matching it (`ruleAllows`); otherwise the answer is `NoOpinion`,
 *   so a chain may ask the next authorizer.
 * - A binding whose role does not exist grants nothing.
 *
 * Caveats:
 * - The caches are eventually consistent: a binding just written may not
 *   count for a moment, as in kube-apiserver.
 */
export class RbacAuthorizer implements RuleResolvingAuthorizer {
  constructor(private readonly caches: RbacCaches) {
    const index = (binding: RoleBinding | ClusterRoleBinding) =>
      subjectKeys(binding.subjects, binding.metadata.namespace ?? '');
    caches.roleBindings.addIndexer(SUBJECT_INDEX, index);
    caches.clusterRoleBindings.addIndexer(SUBJECT_INDEX, index);
  }

  /**
   * An authorizer on the factory's shared informers of the four RBAC kinds
   * (created here; they run once the factory starts).
   */
  static fromInformers(factory: InformerFactory): RbacAuthorizer {
    return new RbacAuthorizer({
      roles: factory.for<Role>('Role').cache,
      clusterRoles: factory.for<ClusterRole>('ClusterRole').cache,
      roleBindings: factory.for<RoleBinding>('RoleBinding').cache,
      clusterRoleBindings: factory.for<ClusterRoleBinding>('ClusterRoleBinding').cache,
    });
  }

  authorize(a: AuthorizationAttributes): AuthorizationDecision {
    const binding = this.allowingBinding(a);
    return binding ? allow(describeGrant(binding, a.user)) : noOpinion();
  }

  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const rules: PolicyRule[] = [];
    for (const grant of this.grants(user, namespace)) rules.push(...grant.rules);
    return rules;
  }

  /** The rules of the role a binding in `namespace` (`''` for a ClusterRoleBinding) refers to; empty when it does not exist. */
  roleRefRules(namespace: string, ref: RoleRef): readonly PolicyRule[] {
    const role =
      ref.kind === 'ClusterRole' ? this.caches.clusterRoles.get(ref.name) : this.caches.roles.get(namespace, ref.name);
    return role?.rules ?? [];
  }

  /**
   * The first binding whose role allows `a`, cluster-wide bindings first,
   * then the namespace's: the order Kubernetes visits them in. It runs on
   * every request, so it builds no grant list: it looks up each of the
   * user's keys and stops at the first rule that matches (a binding found
   * under two keys is checked twice, which changes no answer).
   */
  private allowingBinding(a: AuthorizationAttributes): RoleBinding | ClusterRoleBinding | undefined {
    const { user, namespace } = a;
    const { clusterRoleBindings, roleBindings } = this.caches;
    let found: RoleBinding | ClusterRoleBinding | undefined = this.allowingIn(
      a,
      clusterRoleBindings,
      '',
      `User:${user.username}`,
    );
    for (let i = 0; !found && i < user.groups.length; i++) {
      found = this.allowingIn(a, clusterRoleBindings, '', `Group:${user.groups[i]}`);
    }
    if (found || !namespace) return found;
    found = this.allowingIn(a, roleBindings, namespace, `${namespace}|User:${user.username}`);
    for (let i = 0; !found && i < user.groups.length; i++) {
      found = this.allowingIn(a, roleBindings, namespace, `${namespace}|Group:${user.groups[i]}`);
    }
    return found;
  }

  /** The first binding indexed under `key` whose role has a rule allowing `a`. */
  private allowingIn<B extends RoleBinding | ClusterRoleBinding>(
    a: AuthorizationAttributes,
    bindings: ObjectCache<B>,
    namespace: string,
    key: string,
  ): B | undefined {
    for (const binding of bindings.byIndex(SUBJECT_INDEX, key)) {
      for (const rule of this.roleRefRules(namespace, binding.roleRef)) if (ruleAllows(a, rule)) return binding;
    }
    return undefined;
  }

  /** Cluster-wide grants first, then those of the namespace: the order Kubernetes visits them in. */
  private *grants(user: UserInfo, namespace: string): Generator<Grant> {
    const seen = new Set<object>();
    for (const key of userKeys(user, '')) {
      for (const binding of this.caches.clusterRoleBindings.byIndex(SUBJECT_INDEX, key)) {
        if (seen.has(binding)) continue;
        seen.add(binding);
        yield { binding, rules: this.roleRefRules('', binding.roleRef) };
      }
    }
    if (!namespace) return;
    for (const key of userKeys(user, namespace)) {
      for (const binding of this.caches.roleBindings.byIndex(SUBJECT_INDEX, key)) {
        if (seen.has(binding)) continue;
        seen.add(binding);
        yield { binding, rules: this.roleRefRules(namespace, binding.roleRef) };
      }
    }
  }
}

/** Whether a binding's subject names this user, one of its groups, or its ServiceAccount. */
function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'User') return s.name === user.username;
  return user.username === `${SERVICE_ACCOUNT_USER_PREFIX}${s.namespace || bindingNamespace}:${s.name}`;
}

/** Kubernetes' allow reason: `RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "u"` (or the Group, or the ServiceAccount). */
function describeGrant(binding: RoleBinding | ClusterRoleBinding, user: UserInfo): string {
  const namespace = binding.metadata.namespace ?? '';
  const to = (binding.subjects ?? []).find((s) => subjectMatches(s, user, namespace));
  const subject = !to
    ? `User "${user.username}"`
    : to.kind === 'ServiceAccount'
      ? `ServiceAccount "${to.name}/${to.namespace || namespace}"`
      : `${to.kind} "${to.name}"`;
  const where = namespace ? ` in namespace "${namespace}"` : '';
  return `RBAC: allowed by ${binding.kind} "${binding.metadata.name}"${where} of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${subject}`;
}
