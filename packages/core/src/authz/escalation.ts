import type { AdmissionHook, AdmissionRequest } from '../api/types.js';
import { ForbiddenError } from '../errors/api-errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../model/rbac-v1.js';
import { chainMembers, SYSTEM_MASTERS } from './decisions.js';
import { uncoveredRules } from './policy-rule.js';
import type { RoleRef } from './rbac-authorizer.js';
import type { Authorizer, RuleResolver, UserInfo } from './types.js';

/** What the escalation check reads: the rules users hold, the rules a role grants, and the chain for `escalate`/`bind`. */
export interface EscalationPolicy extends RuleResolver {
  /** The rules the role `ref` names grants (a Role of `namespace`, or a ClusterRole); none for a missing role. */
  roleRefRules(namespace: string, ref: RoleRef): readonly PolicyRule[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const PLURALS: Record<string, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};

/** Everything: what a user must hold to write an aggregation rule without `escalate`. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

const formatRule = (r: PolicyRule) => {
  const list = (v: readonly string[]) => `[${v.map((x) => JSON.stringify(x)).join(' ')}]`;
  const parts = [
    r.apiGroups ? `APIGroups:${list(r.apiGroups)}` : '',
    r.resources ? `Resources:${list(r.resources)}` : '',
    r.resourceNames ? `ResourceNames:${list(r.resourceNames)}` : '',
    r.nonResourceURLs ? `NonResourceURLs:${list(r.nonResourceURLs)}` : '',
    `Verbs:${list(r.verbs)}`,
  ];
  return `{${parts.filter(Boolean).join(', ')}}`;
};

async function allowedTo(
  authorizer: Authorizer,
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  name: string,
) {
  const decision = await authorizer.authorize({
    user,
    verb,
    resourceRequest: true,
    apiGroup: RBAC_GROUP,
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace,
    name,
    path: '',
  });
  return decision.decision === 'Allow';
}

/**
 * The refusal Kubernetes gives when a user grants what it does not hold:
 * `... is forbidden: user "u" (groups=[...]) is attempting to grant RBAC
 * permissions not currently held:` and one line per missing rule.
 */
function escalationError(kind: string, name: string, user: UserInfo, missing: PolicyRule[]): ForbiddenError {
  const groups = user.groups.map((g) => JSON.stringify(g)).join(' ');
  return new ForbiddenError(
    `${PLURALS[kind]}.${RBAC_GROUP} "${name}" is forbidden: user "${user.username}" (groups=[${groups}]) is attempting to grant RBAC permissions not currently held:\n${missing.map(formatRule).join('\n')}`,
  );
}

/**
 * Refuses a Role or ClusterRole write whose rules the requester does not
 * hold (in the role's namespace, or cluster-wide for a ClusterRole) unless
 * it may `escalate` that role, and a binding whose role's rules the
 * requester does not hold unless it may `bind` that role (Kubernetes'
 * escalation prevention, `pkg/registry/rbac`). Members of `system:masters`
 * pass; calls made without a requester (the Api's own callers) are trusted.
 */
export async function checkRbacEscalation(
  policy: EscalationPolicy,
  authorizer: Authorizer,
  user: UserInfo,
  obj: Role | ClusterRole | RoleBinding | ClusterRoleBinding,
): Promise<void> {
  if (user.groups.includes(SYSTEM_MASTERS)) return;
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  if (obj.kind === 'Role' || obj.kind === 'ClusterRole') {
    const held = policy.rulesFor(user, namespace);
    const aggregates = obj.kind === 'ClusterRole' && obj.aggregationRule !== undefined;
    const missing = uncoveredRules(held, obj.rules ?? []);
    const needsFullAuthority = aggregates && uncoveredRules(held, FULL_AUTHORITY).length > 0;
    if (missing.length === 0 && !needsFullAuthority) return;
    if (await allowedTo(authorizer, user, 'escalate', PLURALS[obj.kind] as string, namespace, name)) return;
    // An aggregation rule pulls in rules later, unchecked: only a holder of everything may write one.
    if (needsFullAuthority) {
      throw new ForbiddenError(
        `clusterroles.${RBAC_GROUP} "${name}" is forbidden: must have cluster-admin privileges to use the aggregationRule`,
      );
    }
    throw escalationError(obj.kind, name, user, missing);
  }
  const ref = obj.roleRef;
  const roleResource = ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
  if (await allowedTo(authorizer, user, 'bind', roleResource, namespace, ref.name)) return;
  const missing = uncoveredRules(policy.rulesFor(user, namespace), policy.roleRefRules(namespace, ref));
  if (missing.length > 0) throw escalationError(obj.kind, name, user, missing);
}

/**
 * The admission hook that runs `checkRbacEscalation` on every create and
 * update of the four RBAC kinds made on behalf of a requester (the write's
 * `requester`, else `runAsRequester`'s user: `req.userInfo`). `new Api({ authorizer })` installs it when the
 * authorizer resolves rules (RBAC, or a chain built with one).
 */
export function rbacEscalationAdmission(policy: EscalationPolicy, authorizer: Authorizer): AdmissionHook {
  return {
    name: 'rbac.authorization.k8s.io/escalation',
    kinds: Object.keys(PLURALS),
    operations: ['CREATE', 'UPDATE'],
    async admit(req: AdmissionRequest) {
      const user = req.userInfo;
      if (!user) return;
      await checkRbacEscalation(policy, authorizer, user, req.object as Role);
    },
  };
}

const isEscalationPolicy = (a: Authorizer): a is Authorizer & EscalationPolicy =>
  typeof (a as Partial<EscalationPolicy>).rulesFor === 'function' &&
  typeof (a as Partial<EscalationPolicy>).roleRefRules === 'function';

/** The rule resolver of an authorizer, or of the first member of a chain that has one (RBAC); `undefined` if none. */
export function escalationPolicyOf(authorizer: Authorizer): EscalationPolicy | undefined {
  return chainMembers(authorizer).find(isEscalationPolicy);
}
