import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregatedRules } from '../../src/authz/aggregation.js';
import { AuthorizerChain } from '../../src/authz/decisions.js';
import { checkRbacEscalation } from '../../src/authz/escalation.js';
import type { UserInfo } from '../../src/authz/types.js';
import { isReason } from '../../src/errors/api-errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../src/model/rbac-v1.js';
import { clusterRole, clusterRoleBinding, rbacOf, resourceAttributes, role, roleBinding } from './rbac-fixtures.js';

const RBAC = 'rbac.authorization.k8s.io';
const rule = (verbs: string[], resources: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({
  verbs,
  apiGroups: [''],
  resources,
  ...extra,
});
const dev: UserInfo = { username: 'dev', groups: ['system:authenticated'] };

/** dev holds get/list pods in ns1, may escalate roles in esc, and may bind the ClusterRole `admin` in ns1. */
function world() {
  const setup = rbacOf({
    roles: [role('pod-reader', 'ns1', rule(['get', 'list'], ['pods']))],
    clusterRoles: [
      clusterRole('admin', rule(['*'], ['*'])),
      clusterRole('escalator', { verbs: ['escalate'], apiGroups: [RBAC], resources: ['roles'] }),
      clusterRole('binder', {
        verbs: ['bind'],
        apiGroups: [RBAC],
        resources: ['clusterroles'],
        resourceNames: ['admin'],
      }),
    ],
    roleBindings: [
      roleBinding('ns1', 'pod-reader', 'Role', 'User:dev'),
      roleBinding('esc', 'escalator', 'ClusterRole', 'User:dev'),
      roleBinding('ns1', 'binder', 'ClusterRole', 'User:dev'),
    ],
  });
  return { ...setup, chain: new AuthorizerChain([setup.rbac]) };
}

type Written = Role | ClusterRole | RoleBinding | ClusterRoleBinding;
const named = <T extends Written>(obj: T, name: string): T => ({ ...obj, metadata: { ...obj.metadata, name } });

// Flotilla's own table, after the cases of kubernetes/kubernetes pkg/registry/rbac/validation/rule_test.go and
// the escalation checks of pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased.
const cases: [name: string, user: UserInfo, obj: Written, refusal: RegExp | undefined][] = [
  ['a Role of rules held in its namespace', dev, named(role('r', 'ns1', rule(['get'], ['pods'])), 'r'), undefined],
  [
    'a Role granting a verb not held',
    dev,
    named(role('r', 'ns1', rule(['get', 'create'], ['pods'])), 'r'),
    /^roles\.rbac\.authorization\.k8s\.io "r" is forbidden: user "dev" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["create"\]\}$/,
  ],
  [
    'a Role in a namespace where the rules are not held',
    dev,
    named(role('r', 'ns2', rule(['get'], ['pods'])), 'r'),
    /not currently held/,
  ],
  [
    'a Role of anything where the user may escalate roles',
    dev,
    named(role('r', 'esc', rule(['*'], ['*'])), 'r'),
    undefined,
  ],
  [
    'a ClusterRole of rules held in one namespace only',
    dev,
    clusterRole('c', rule(['get'], ['pods'])),
    /not currently held/,
  ],
  [
    'a ClusterRole with an aggregation rule, without full authority',
    dev,
    { ...clusterRole('agg'), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } },
    /must have cluster-admin privileges to use the aggregationRule/,
  ],
  [
    'a RoleBinding to a Role whose rules are held',
    dev,
    roleBinding('ns1', 'pod-reader', 'Role', 'User:eve'),
    undefined,
  ],
  [
    'a RoleBinding to a ClusterRole not held nor bindable there',
    dev,
    roleBinding('ns2', 'admin', 'ClusterRole', 'User:eve'),
    /not currently held/,
  ],
  [
    'a RoleBinding to a ClusterRole the user may bind',
    dev,
    roleBinding('ns1', 'admin', 'ClusterRole', 'User:dev'),
    undefined,
  ],
  [
    'a ClusterRoleBinding to a ClusterRole not held',
    dev,
    clusterRoleBinding('admin', 'User:dev'),
    /not currently held/,
  ],
  [
    'anything, by a member of system:masters',
    { username: 'root', groups: ['system:masters'] },
    clusterRoleBinding('admin', 'User:x'),
    undefined,
  ],
];

describe('checkRbacEscalation', () => {
  it.each(cases)('%s', async (_, user, obj, refusal) => {
    const { rbac, chain } = world();
    const outcome = checkRbacEscalation(rbac, chain, user, obj);
    if (!refusal) return expect(outcome).resolves.toBeUndefined();
    const err = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isReason(err, 'Forbidden')).toBe(true);
    expect((err as Error).message).toMatch(refusal);
  });
});

// The property: whatever roles and bindings a user writes, the escalation check leaves it no permission it did not hold.
const VERBS = ['get', 'list', 'create', 'delete', 'escalate', 'bind', 'impersonate'];
const RESOURCES = ['pods', 'secrets', 'roles', 'clusterroles', 'users'];
const GROUPS = ['', RBAC];
const NAMESPACES = ['ns1', 'ns2'];
const ROLE_NAMES = ['a', 'b', 'c'];

const ruleArb = (verbs: string[]) =>
  fc.record({
    verbs: fc.subarray(verbs, { minLength: 1 }),
    apiGroups: fc.subarray([...GROUPS, '*'], { minLength: 1 }),
    resources: fc.subarray([...RESOURCES, '*'], { minLength: 1 }),
  });
const rulesArb = fc.array(ruleArb([...VERBS, '*']), { maxLength: 3 });
/** What the user initially holds: never `escalate`, `bind` nor `*` verbs, which would let it grant anything. */
const heldArb = fc.array(fc.tuple(fc.constantFrom('', ...NAMESPACES), ruleArb(['get', 'list', 'create', 'delete'])), {
  maxLength: 4,
});
const subjectArb = fc.constantFrom('User:mallory', 'Group:crew', 'User:other');
const labelsArb = fc.constantFrom(undefined, { agg: 'yes' });

const writeArb = fc.oneof(
  fc.record({
    kind: fc.constant('Role' as const),
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...ROLE_NAMES),
    rules: rulesArb,
  }),
  fc.record({
    kind: fc.constant('ClusterRole' as const),
    name: fc.constantFrom(...ROLE_NAMES),
    rules: rulesArb,
    labels: labelsArb,
    aggregate: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('RoleBinding' as const),
    ns: fc.constantFrom(...NAMESPACES),
    to: fc.constantFrom('Role' as const, 'ClusterRole' as const),
    role: fc.constantFrom(...ROLE_NAMES, 'held-0', 'held-1', 'held-2', 'held-3'),
    subject: subjectArb,
  }),
  fc.record({
    kind: fc.constant('ClusterRoleBinding' as const),
    role: fc.constantFrom(...ROLE_NAMES, 'held-0', 'held-1'),
    subject: subjectArb,
  }),
);

const mallory: UserInfo = { username: 'mallory', groups: ['crew', 'system:authenticated'] };

describe('escalation prevention (property)', () => {
  it('no sequence of role and binding writes by a user grants it a permission it did not hold', async () => {
    await fc.assert(
      fc.asyncProperty(heldArb, fc.array(writeArb, { maxLength: 8 }), async (held, writes) => {
        const roles: Role[] = [];
        const clusterRoles: ClusterRole[] = [];
        const roleBindings: RoleBinding[] = [];
        const clusterRoleBindings: ClusterRoleBinding[] = [];
        held.forEach(([ns, r], i) => {
          clusterRoles.push(clusterRole(`held-${i}`, r));
          if (ns) roleBindings.push(roleBinding(ns, `held-${i}`, 'ClusterRole', 'User:mallory'));
          else clusterRoleBindings.push(clusterRoleBinding(`held-${i}`, 'User:mallory'));
        });
        const { rbac, caches } = rbacOf({ roles, clusterRoles, roleBindings, clusterRoleBindings });
        const chain = new AuthorizerChain([rbac]);
        const probes = [
          ...VERBS.flatMap((verb) =>
            RESOURCES.flatMap((resource) =>
              GROUPS.flatMap((apiGroup) =>
                ['', ...NAMESPACES].map((namespace) =>
                  resourceAttributes({
                    username: mallory.username,
                    groups: mallory.groups,
                    verb,
                    resource,
                    apiGroup,
                    namespace,
                  }),
                ),
              ),
            ),
          ),
        ];
        const before = probes.map((p) => rbac.authorize(p).decision);

        for (const w of writes) {
          let obj: Written;
          if (w.kind === 'Role') obj = named(role(w.name, w.ns, ...w.rules), w.name);
          else if (w.kind === 'ClusterRole') {
            obj = clusterRole(w.name, ...w.rules);
            if (w.labels) obj.metadata.labels = w.labels;
            if (w.aggregate) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] };
          } else if (w.kind === 'RoleBinding') obj = named(roleBinding(w.ns, w.role, w.to, w.subject), `rb-${w.role}`);
          else obj = named(clusterRoleBinding(w.role, w.subject), `crb-${w.role}`);
          const refused = await checkRbacEscalation(rbac, chain, mallory, obj).then(
            () => false,
            (err: unknown) => {
              if (!isReason(err, 'Forbidden')) throw err;
              return true;
            },
          );
          if (refused) continue;
          if (obj.kind === 'Role') caches.roles.put(obj);
          else if (obj.kind === 'ClusterRole') caches.clusterRoles.put(obj);
          else if (obj.kind === 'RoleBinding') caches.roleBindings.put(obj);
          else caches.clusterRoleBindings.put(obj);
          // The aggregation controller (trusted) then fills in aggregated roles.
          const all = caches.clusterRoles.list();
          for (const cr of all) {
            const rules = aggregatedRules(cr, all);
            if (rules) caches.clusterRoles.put({ ...cr, rules });
          }
        }
        probes.forEach((p, i) => {
          if (rbac.authorize(p).decision === 'Allow') {
            expect({ probe: `${p.verb} ${p.apiGroup}/${p.resource} in "${p.namespace}"`, before: before[i] }).toEqual({
              probe: `${p.verb} ${p.apiGroup}/${p.resource} in "${p.namespace}"`,
              before: 'Allow',
            });
          }
        });
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});
