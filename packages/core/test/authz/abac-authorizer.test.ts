import { describe, expect, it } from 'vitest';
import { AbacAuthorizer } from '../../src/authz/abac-authorizer.js';
import { isReason } from '../../src/errors/api-errors.js';

const line = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });

// Ported from kubernetes/kubernetes pkg/auth/authorizer/abac/abac_test.go, TestAuthorizeV1beta1 (the policy file).
const policyFile = [
  '',
  '  # Comment line, after a blank line',
  line({ user: '*', readonly: true, nonResourcePath: '/api' }),
  line({ user: '*', nonResourcePath: '/custom' }),
  line({ user: '*', nonResourcePath: '/root/*' }),
  line({ user: 'noresource', nonResourcePath: '*' }),
  line({ user: '*', readonly: true, resource: 'events', namespace: '*' }),
  line({ user: 'scheduler', readonly: true, resource: 'pods', namespace: '*' }),
  line({ user: 'scheduler', resource: 'bindings', namespace: '*' }),
  line({ user: 'kubelet', readonly: true, resource: 'bindings', namespace: '*' }),
  line({ user: 'kubelet', resource: 'events', namespace: '*' }),
  line({ user: 'alice', resource: '*', namespace: 'projectCaribou' }),
  line({ user: 'bob', readonly: true, resource: '*', namespace: 'projectCaribou' }),
  line({ user: 'debbie', resource: 'pods', namespace: 'projectCaribou' }),
  line({ user: 'apigroupuser', resource: '*', namespace: 'projectAnyGroup', apiGroup: '*' }),
  line({ user: 'apigroupuser', resource: '*', namespace: 'projectEmptyGroup', apiGroup: '' }),
  line({ user: 'apigroupuser', resource: '*', namespace: 'projectXGroup', apiGroup: 'x' }),
].join('\n');

type Row = [
  user: string,
  verb: string,
  resource: string,
  apiGroup: string,
  ns: string,
  path: string,
  want: 'Allow' | 'NoOpinion',
];

// Ported from kubernetes/kubernetes pkg/auth/authorizer/abac/abac_test.go, TestAuthorizeV1beta1 (the cases).
const rows: Row[] = [
  // Scheduler can read pods
  ['scheduler', 'list', 'pods', '', 'ns1', '', 'Allow'],
  ['scheduler', 'list', 'pods', '', '', '', 'Allow'],
  // Scheduler cannot write pods
  ['scheduler', 'create', 'pods', '', 'ns1', '', 'NoOpinion'],
  ['scheduler', 'create', 'pods', '', '', '', 'NoOpinion'],
  // Scheduler can write bindings
  ['scheduler', 'get', 'bindings', '', 'ns1', '', 'Allow'],
  ['scheduler', 'get', 'bindings', '', '', '', 'Allow'],
  // Alice can read and write anything in the right namespace.
  ['alice', 'get', 'pods', '', 'projectCaribou', '', 'Allow'],
  ['alice', 'get', 'widgets', '', 'projectCaribou', '', 'Allow'],
  ['alice', 'get', '', '', 'projectCaribou', '', 'Allow'],
  ['alice', 'update', 'pods', '', 'projectCaribou', '', 'Allow'],
  ['alice', 'update', 'widgets', '', 'projectCaribou', '', 'Allow'],
  ['alice', 'update', '', '', 'projectCaribou', '', 'Allow'],
  // .. but not the wrong namespace.
  ['alice', 'get', 'pods', '', 'ns1', '', 'NoOpinion'],
  ['alice', 'get', 'widgets', '', 'ns1', '', 'NoOpinion'],
  ['alice', 'get', '', '', 'ns1', '', 'NoOpinion'],
  // Debbie can write to pods in the right namespace
  ['debbie', 'update', 'pods', '', 'projectCaribou', '', 'Allow'],
  // Chuck can read events, since anyone can.
  ['chuck', 'get', 'events', '', 'ns1', '', 'Allow'],
  ['chuck', 'get', 'events', '', '', '', 'Allow'],
  // Chuck can't do other things.
  ['chuck', 'update', 'events', '', 'ns1', '', 'NoOpinion'],
  ['chuck', 'get', 'pods', '', 'ns1', '', 'NoOpinion'],
  ['chuck', 'get', 'floop', '', 'ns1', '', 'NoOpinion'],
  // Chuck can't access things with no resource or namespace
  ['chuck', 'get', '', '', '', '/', 'NoOpinion'],
  // but can access /api
  ['chuck', 'get', '', '', '', '/api', 'Allow'],
  // though he cannot write to it
  ['chuck', 'create', '', '', '', '/api', 'NoOpinion'],
  // while he can write to /custom
  ['chuck', 'update', '', '', '', '/custom', 'Allow'],
  // he cannot get "/root"
  ['chuck', 'get', '', '', '', '/root', 'NoOpinion'],
  // but can get any subpath
  ['chuck', 'get', '', '', '', '/root/', 'Allow'],
  ['chuck', 'get', '', '', '', '/root/test/1/2/3', 'Allow'],
  // the user "noresource" can get any non-resource request
  ['noresource', 'get', '', '', '', '', 'Allow'],
  ['noresource', 'get', '', '', '', '/', 'Allow'],
  ['noresource', 'get', '', '', '', '/foo/bar/baz', 'Allow'],
  // but cannot get any request where IsResourceRequest() == true
  ['noresource', 'get', '', '', 'bar', '/', 'NoOpinion'],
  ['noresource', 'get', 'foo', '', 'bar', '/foo/bar/baz', 'NoOpinion'],
  // Test APIGroup matching
  ['apigroupuser', 'get', 'foo', 'x', 'projectAnyGroup', '', 'Allow'],
  ['apigroupuser', 'get', 'foo', 'x', 'projectEmptyGroup', '', 'NoOpinion'],
  ['apigroupuser', 'get', 'foo', 'x', 'projectXGroup', '', 'Allow'],
];

describe('AbacAuthorizer (abac_test.go TestAuthorizeV1beta1)', () => {
  const abac = AbacAuthorizer.fromPolicyFile(policyFile);
  it.each(rows)('%s %s %s (group %s) in %s path %s: %s', (user, verb, resource, apiGroup, ns, path, want) => {
    const decision = abac.authorize({
      user: { username: user, groups: ['system:authenticated'] },
      verb,
      resource,
      apiGroup,
      namespace: ns,
      path,
      resourceRequest: ns.length > 0 || resource.length > 0,
      apiVersion: '',
      subresource: '',
      name: '',
    });
    expect(decision.decision).toBe(want);
  });
});

const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
const authed = (username: string, ...groups: string[]) => ({ username, groups: [...groups, 'system:authenticated'] });

// Ported from kubernetes/kubernetes pkg/auth/authorizer/abac/abac_test.go, TestSubjectMatches (the v1 cases).
const subjectCases: [
  name: string,
  user: { username: string; groups: string[] },
  spec: { user?: string; group?: string },
  match: boolean,
][] = [
  ['v1 empty policy does not match unauthed user', anonymous, {}, false],
  ['v1 * user policy does not match unauthed user', anonymous, { user: '*' }, false],
  ['v1 * group policy does not match unauthed user', anonymous, { group: '*' }, false],
  ['v1 empty policy does not match authed user', authed('Foo'), {}, false],
  ['v1 empty policy does not match authed user with groups', authed('Foo', 'a', 'b'), {}, false],
  ['v1 user policy does not match unauthed user', anonymous, { user: 'Foo' }, false],
  ['v1 user policy does not match different user', authed('Bar'), { user: 'Foo' }, false],
  ['v1 user policy is case-sensitive', authed('foo'), { user: 'Foo' }, false],
  ['v1 user policy does not match substring', authed('FooBar'), { user: 'Foo' }, false],
  ['v1 user policy matches username', authed('Foo'), { user: 'Foo' }, true],
  ['v1 group policy does not match unauthed user', anonymous, { group: 'Foo' }, false],
  ['v1 group policy does not match user in different group', authed('FooBar', 'B'), { group: 'A' }, false],
  ['v1 group policy is case-sensitive', authed('Foo', 'A', 'B', 'C'), { group: 'b' }, false],
  ['v1 group policy does not match substring', authed('Foo', 'A', 'BBB', 'C'), { group: 'B' }, false],
  ['v1 group policy matches user in group', authed('Foo', 'A', 'B', 'C'), { group: 'B' }, true],
  ['v1 user and group policy requires user match', authed('Bar', 'A', 'B', 'C'), { user: 'Foo', group: 'B' }, false],
  ['v1 user and group policy requires group match', authed('Foo', 'A', 'B', 'C'), { user: 'Foo', group: 'D' }, false],
  ['v1 user and group policy matches', authed('Foo', 'A', 'B', 'C'), { user: 'Foo', group: 'B' }, true],
];

describe('AbacAuthorizer subjects (abac_test.go TestSubjectMatches)', () => {
  it.each(subjectCases)('%s', (_, user, spec, match) => {
    // A policy that matches every request once its subject does.
    const abac = new AbacAuthorizer([{ ...spec, resource: '*', namespace: '*', apiGroup: '*', nonResourcePath: '*' }]);
    const decision = abac.authorize({
      user,
      verb: 'get',
      resourceRequest: true,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'pods',
      subresource: '',
      namespace: 'ns',
      name: '',
      path: '',
    });
    expect(decision.decision).toBe(match ? 'Allow' : 'NoOpinion');
  });
});

describe('AbacAuthorizer.fromPolicyFile refuses bad lines', () => {
  it.each([
    ['not JSON', '{', 'line 1'],
    ['a v0 policy', '{"user":"a","resource":"pods"}', 'apiVersion'],
    ['a non-string field', line({ user: 3 }), 'spec.user'],
    ['a non-boolean readonly', line({ user: 'a', readonly: 'yes' }), 'spec.readonly'],
  ])('%s', (_, text, field) => {
    try {
      AbacAuthorizer.fromPolicyFile(text);
      expect.unreachable();
    } catch (err) {
      expect(isReason(err, 'Invalid')).toBe(true);
      expect((err as { fields: { field: string }[] }).fields[0]?.field).toBe(field);
    }
  });
});
