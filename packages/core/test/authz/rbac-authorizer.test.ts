import { describe, expect, it } from 'vitest';
import { ruleAllows } from '../../src/authz/policy-rule.js';
import type { AuthorizationAttributes } from '../../src/authz/types.js';
import type { PolicyRule } from '../../src/model/rbac-v1.js';
import {
  clusterRole,
  clusterRoleBinding,
  newRule,
  type RbacObjects,
  rbacOf,
  resourceAttributes,
  role,
  roleBinding,
} from './rbac-fixtures.js';

/** `{user, groups, verb, resource, subresource, namespace, apiGroup}` as `defaultAttributes` in rbac_test.go. */
const attrs = (
  username: string,
  groups: string,
  verb: string,
  resource: string,
  subresource: string,
  namespace: string,
  apiGroup: string,
) =>
  resourceAttributes({
    username,
    groups: groups ? groups.split(',') : [],
    verb,
    resource,
    subresource,
    namespace,
    apiGroup,
  });

const nonResource = (username: string, groups: string[], verb: string, path: string): AuthorizationAttributes => ({
  ...resourceAttributes({ username, groups, verb, path }),
  resourceRequest: false,
});

interface AuthorizerCase extends RbacObjects {
  name: string;
  shouldPass: AuthorizationAttributes[];
  shouldFail: AuthorizationAttributes[];
}

// Ported from kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac_test.go, TestAuthorizer.
const authorizerCases: AuthorizerCase[] = [
  {
    name: 'a ClusterRole bound in one namespace grants there only; verbs are case-sensitive',
    clusterRoles: [clusterRole('admin', newRule('*', '*', '*', '*'))],
    roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    shouldPass: [
      attrs('admin', '', 'get', 'Pods', '', 'ns1', ''),
      attrs('admin', '', 'watch', 'Pods', '', 'ns1', ''),
      attrs('admin', 'group1', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'admins', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1', ''),
    ],
    shouldFail: [
      attrs('admin', '', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', '', 'GET', 'Nodes', '', '', ''),
      attrs('admin', 'admins', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', 'admins', 'GET', 'Nodes', '', '', ''),
    ],
  },
  {
    name: 'non-resource URLs: exact, any verb, and prefix rules',
    clusterRoles: [
      clusterRole('non-resource-url-getter', newRule('get', '', '', '/apis')),
      clusterRole('non-resource-url', newRule('*', '', '', '/apis')),
      clusterRole('non-resource-url-prefix', newRule('get', '', '', '/apis/*')),
    ],
    clusterRoleBindings: [
      clusterRoleBinding('non-resource-url-getter', 'User:foo', 'Group:bar'),
      clusterRoleBinding('non-resource-url', 'User:admin', 'Group:admin'),
      clusterRoleBinding('non-resource-url-prefix', 'User:prefixed', 'Group:prefixed'),
    ],
    shouldPass: [
      nonResource('foo', [], 'get', '/apis'),
      nonResource('', ['bar'], 'get', '/apis'),
      nonResource('admin', [], 'get', '/apis'),
      nonResource('', ['admin'], 'get', '/apis'),
      nonResource('admin', [], 'watch', '/apis'),
      nonResource('', ['admin'], 'watch', '/apis'),
      nonResource('prefixed', [], 'get', '/apis/v1'),
      nonResource('', ['prefixed'], 'get', '/apis/v1'),
      nonResource('prefixed', [], 'get', '/apis/v1/foobar'),
      nonResource('', ['prefixed'], 'get', '/apis/v1/foorbar'),
    ],
    shouldFail: [
      // wrong verb
      nonResource('foo', [], 'watch', '/apis'),
      nonResource('', ['bar'], 'watch', '/apis'),
      // wrong path
      nonResource('foo', [], 'get', '/api/v1'),
      nonResource('', ['bar'], 'get', '/api/v1'),
      nonResource('admin', [], 'get', '/api/v1'),
      nonResource('', ['admin'], 'get', '/api/v1'),
      // not covered by prefix
      nonResource('prefixed', [], 'get', '/api/v1'),
      nonResource('', ['prefixed'], 'get', '/api/v1'),
    ],
  },
  {
    name: 'a rule for pods does not reach pods/status',
    clusterRoles: [clusterRole('admin', newRule('*', '*', 'pods', '*'))],
    roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    shouldPass: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
    shouldFail: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
  },
  {
    name: 'a rule for pods/status does not reach pods',
    clusterRoles: [clusterRole('admin', newRule('*', '*', 'pods/status', '*'))],
    roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    shouldPass: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
    shouldFail: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
  },
];

describe('RbacAuthorizer (rbac_test.go TestAuthorizer)', () => {
  describe.each(authorizerCases)('$name', (tc) => {
    const { rbac } = rbacOf(tc);
    it.each(tc.shouldPass.map((a) => [JSON.stringify({ ...a, user: a.user }), a] as const))('allows %s', (_, a) => {
      expect(rbac.authorize(a).decision).toBe('Allow');
    });
    it.each(
      tc.shouldFail.map((a) => [JSON.stringify({ ...a, user: a.user }), a] as const),
    )('has no opinion on %s', (_, a) => {
      expect(rbac.authorize(a).decision).toBe('NoOpinion');
    });
  });
});

const rr = (verb: string, apiGroup: string, resource: string, subresource = '') =>
  resourceAttributes({ verb, apiGroup, resource, subresource });
const nr = (verb: string, path: string) => nonResource('', [], verb, path);
const r = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const u = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

// Ported from kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac_test.go, TestRuleMatches.
const ruleCases: { name: string; rule: PolicyRule; expect: [AuthorizationAttributes, boolean][] }[] = [
  {
    name: 'star verb, exact match other',
    rule: r(['*'], ['group1'], ['resource1']),
    expect: [
      [rr('verb1', 'group1', 'resource1'), true],
      [rr('verb1', 'group2', 'resource1'), false],
      [rr('verb1', 'group1', 'resource2'), false],
      [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), true],
      [rr('verb2', 'group2', 'resource1'), false],
      [rr('verb2', 'group1', 'resource2'), false],
      [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'star group, exact match other',
    rule: r(['verb1'], ['*'], ['resource1']),
    expect: [
      [rr('verb1', 'group1', 'resource1'), true],
      [rr('verb1', 'group2', 'resource1'), true],
      [rr('verb1', 'group1', 'resource2'), false],
      [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), false],
      [rr('verb2', 'group2', 'resource1'), false],
      [rr('verb2', 'group1', 'resource2'), false],
      [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'star resource, exact match other',
    rule: r(['verb1'], ['group1'], ['*']),
    expect: [
      [rr('verb1', 'group1', 'resource1'), true],
      [rr('verb1', 'group2', 'resource1'), false],
      [rr('verb1', 'group1', 'resource2'), true],
      [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), false],
      [rr('verb2', 'group2', 'resource1'), false],
      [rr('verb2', 'group1', 'resource2'), false],
      [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'tuple expansion',
    rule: r(['verb1', 'verb2'], ['group1', 'group2'], ['resource1', 'resource2']),
    expect: [
      [rr('verb1', 'group1', 'resource1'), true],
      [rr('verb1', 'group2', 'resource1'), true],
      [rr('verb1', 'group1', 'resource2'), true],
      [rr('verb1', 'group2', 'resource2'), true],
      [rr('verb2', 'group1', 'resource1'), true],
      [rr('verb2', 'group2', 'resource1'), true],
      [rr('verb2', 'group1', 'resource2'), true],
      [rr('verb2', 'group2', 'resource2'), true],
    ],
  },
  {
    name: 'subresource expansion',
    rule: r(['*'], ['*'], ['resource1/subresource1']),
    expect: [
      [rr('verb1', 'group1', 'resource1', 'subresource1'), true],
      [rr('verb1', 'group2', 'resource1', 'subresource2'), false],
      [rr('verb1', 'group1', 'resource2', 'subresource1'), false],
      [rr('verb1', 'group2', 'resource2', 'subresource1'), false],
      [rr('verb2', 'group1', 'resource1', 'subresource1'), true],
      [rr('verb2', 'group2', 'resource1', 'subresource2'), false],
      [rr('verb2', 'group1', 'resource2', 'subresource1'), false],
      [rr('verb2', 'group2', 'resource2', 'subresource1'), false],
    ],
  },
  {
    name: 'star nonresource, exact match other',
    rule: u(['verb1'], ['*']),
    expect: [
      [nr('verb1', '/foo'), true],
      [nr('verb1', '/foo/bar'), true],
      [nr('verb1', '/foo/baz'), true],
      [nr('verb1', '/foo/bar/one'), true],
      [nr('verb1', '/foo/baz/one'), true],
      [nr('verb2', '/foo'), false],
      [nr('verb2', '/foo/bar'), false],
      [nr('verb2', '/foo/baz'), false],
      [nr('verb2', '/foo/bar/one'), false],
      [nr('verb2', '/foo/baz/one'), false],
    ],
  },
  {
    name: 'star nonresource subpath',
    rule: u(['verb1'], ['/foo/*']),
    expect: [
      [nr('verb1', '/foo'), false],
      [nr('verb1', '/foo/bar'), true],
      [nr('verb1', '/foo/baz'), true],
      [nr('verb1', '/foo/bar/one'), true],
      [nr('verb1', '/foo/baz/one'), true],
      [nr('verb1', '/notfoo'), false],
      [nr('verb1', '/notfoo/bar'), false],
      [nr('verb1', '/notfoo/baz'), false],
      [nr('verb1', '/notfoo/bar/one'), false],
      [nr('verb1', '/notfoo/baz/one'), false],
    ],
  },
  {
    name: 'star verb, exact nonresource',
    rule: u(['*'], ['/foo', '/foo/bar/one']),
    expect: [
      [nr('verb1', '/foo'), true],
      [nr('verb1', '/foo/bar'), false],
      [nr('verb1', '/foo/baz'), false],
      [nr('verb1', '/foo/bar/one'), true],
      [nr('verb1', '/foo/baz/one'), false],
      [nr('verb2', '/foo'), true],
      [nr('verb2', '/foo/bar'), false],
      [nr('verb2', '/foo/baz'), false],
      [nr('verb2', '/foo/bar/one'), true],
      [nr('verb2', '/foo/baz/one'), false],
    ],
  },
];

describe('ruleAllows (rbac_test.go TestRuleMatches)', () => {
  describe.each(ruleCases)('$name', ({ rule, expect: rows }) => {
    it.each(
      rows.map(([a, want]) => [`${a.verb} ${a.apiGroup}/${a.resource}/${a.subresource}${a.path}`, a, want] as const),
    )('%s', (_, a, want) => {
      expect(ruleAllows(a, rule)).toBe(want);
    });
  });
});

describe('RbacAuthorizer beyond the upstream tables', () => {
  const { rbac } = rbacOf({
    roles: [
      role('reader', 'team', {
        verbs: ['get'],
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['settings'],
      }),
    ],
    clusterRoles: [clusterRole('logs', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] })],
    roleBindings: [
      roleBinding('team', 'reader', 'Role', 'ServiceAccount:team:app'),
      roleBinding('team', 'logs', 'ClusterRole', 'User:dev'),
      roleBinding('team', 'missing', 'Role', 'User:ghost'),
    ],
  });
  const sa = 'system:serviceaccount:team:app';
  it.each([
    [
      'a ServiceAccount subject matches its user name',
      { username: sa, verb: 'get', resource: 'configmaps', namespace: 'team', name: 'settings' },
      'Allow',
    ],
    [
      'resourceNames limit the names',
      { username: sa, verb: 'get', resource: 'configmaps', namespace: 'team', name: 'other' },
      'NoOpinion',
    ],
    [
      'a collection request has no name, so resourceNames refuse it',
      { username: sa, verb: 'list', resource: 'configmaps', namespace: 'team' },
      'NoOpinion',
    ],
    [
      'pods/log is a subresource rule',
      { username: 'dev', verb: 'get', resource: 'pods', subresource: 'log', namespace: 'team', name: 'p' },
      'Allow',
    ],
    [
      'a RoleBinding grants nothing in other namespaces',
      { username: 'dev', verb: 'get', resource: 'pods', subresource: 'log', namespace: 'other', name: 'p' },
      'NoOpinion',
    ],
    [
      'a binding to a missing role grants nothing',
      { username: 'ghost', verb: 'get', resource: 'pods', namespace: 'team' },
      'NoOpinion',
    ],
  ] as const)('%s', (_, a, want) => {
    expect(rbac.authorize(resourceAttributes(a)).decision).toBe(want);
  });

  it('names the binding that allowed a request', () => {
    const decision = rbac.authorize(
      resourceAttributes({
        username: 'dev',
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: 'team',
        name: 'p',
      }),
    );
    expect(decision.reason).toMatch(
      /^RBAC: allowed by RoleBinding "rb-\d+" in namespace "team" of ClusterRole "logs" to User "dev"$/,
    );
  });

  it.each([
    ['a group', { username: 'eve', groups: ['ops'] }, 'Group "ops"'],
    ['a ServiceAccount', { username: sa, groups: [] }, 'ServiceAccount "app/team"'],
  ])('names the subject a binding matched: %s', (_, user, subject) => {
    const { rbac: local } = rbacOf({
      clusterRoles: [clusterRole('any', { verbs: ['get'], apiGroups: [''], resources: ['pods'] })],
      roleBindings: [roleBinding('team', 'any', 'ClusterRole', 'Group:ops', 'ServiceAccount:team:app')],
    });
    const decision = local.authorize(resourceAttributes({ ...user, verb: 'get', resource: 'pods', namespace: 'team' }));
    expect(decision.reason).toMatch(new RegExp(`of ClusterRole "any" to ${subject.replace(/[/"]/g, '.')}$`));
  });

  it('lists the rules a user holds, cluster-wide then in the namespace', () => {
    expect(rbac.rulesFor({ username: 'dev', groups: [] }, 'team')).toEqual([
      { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
    ]);
    expect(rbac.rulesFor({ username: 'dev', groups: [] }, '')).toEqual([]);
  });
});
