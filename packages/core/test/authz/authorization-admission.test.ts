import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { AuthorizerChain, noOpinion } from '../../src/authz/decisions.js';
import type { AuthorizationAttributes, Authorizer } from '../../src/authz/types.js';
import type { RoleBinding } from '../../src/model/rbac-v1.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { clusterRole, rbacOf, roleBinding } from './rbac-fixtures.js';

const RBAC = 'rbac.authorization.k8s.io';

/** dev may create role bindings in ns1 and holds nothing else; `binds` counts the escalation check's `bind` questions. */
function world() {
  const { rbac } = rbacOf({
    clusterRoles: [
      clusterRole('binding-writer', { verbs: ['create'], apiGroups: [RBAC], resources: ['rolebindings'] }),
    ],
    roleBindings: [roleBinding('ns1', 'binding-writer', 'ClusterRole', 'User:dev')],
  });
  const asked: AuthorizationAttributes[] = [];
  const counter: Authorizer = {
    authorize: (attributes) => {
      asked.push(attributes);
      return noOpinion();
    },
  };
  const authorizer = new AuthorizerChain([counter, rbac]);
  return { authorizer, binds: () => asked.filter((a) => a.verb === 'bind').length };
}

/** Grants only what dev holds, so the check passes and every hook in the chain asks once. */
const heldBinding: RoleBinding = {
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: { name: 'dev-writer', namespace: 'ns1' },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'binding-writer' },
  subjects: [{ kind: 'User', apiGroup: RBAC, name: 'other' }],
};

async function apiWithNamespace(authorizer?: Authorizer): Promise<Api> {
  const api = new Api({ store: new MemoryStore(), authorizer });
  await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  return api;
}

describe('Api.addAuthorizationAdmission', () => {
  const cases: [name: string, adds: (api: Api, authorizer: Authorizer) => void, expectedBinds: number][] = [
    ['given once, the escalation check runs once per write', (api, a) => api.addAuthorizationAdmission(a), 1],
    [
      'given twice (two servers over one Api), it still runs once',
      (api, a) => {
        api.addAuthorizationAdmission(a);
        api.addAuthorizationAdmission(a);
      },
      1,
    ],
  ];

  it.each(cases)('%s', async (_name, adds, expectedBinds) => {
    const { authorizer, binds } = world();
    const api = await apiWithNamespace();
    adds(api, authorizer);
    await api.as({ user: 'dev' }).resource('RoleBinding').create(heldBinding);
    expect(binds()).toBe(expectedBinds);
  });

  it("an Api built with an authorizer has that authorizer's admission already", async () => {
    const { authorizer, binds } = world();
    const api = await apiWithNamespace(authorizer);
    api.addAuthorizationAdmission(authorizer);
    await api.as({ user: 'dev' }).resource('RoleBinding').create(heldBinding);
    expect(binds()).toBe(1);
  });
});
