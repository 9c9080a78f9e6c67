import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Api, type ApiOptions } from '../../src/api/api.js';
import { userInfoOf } from '../../src/authz/authorized-api.js';
import { AuthorizerChain } from '../../src/authz/decisions.js';
import { ensureBootstrapRbac } from '../../src/authz/ensure-bootstrap-rbac.js';
import { RbacAuthorizer } from '../../src/authz/rbac-authorizer.js';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { ForbiddenError } from '../../src/errors/api-errors.js';
import { InformerFactory } from '../../src/informer/informer-factory.js';
import type { ConfigMap, Pod } from '../../src/model/core-v1.js';
import type { ClusterRole, Role, RoleBinding } from '../../src/model/rbac-v1.js';
import { generateServiceAccountSigningKey } from '../../src/service-account-token/signing-key.js';
import { ServiceAccountTokenIssuer } from '../../src/service-account-token/token-issuer.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const RBAC = 'rbac.authorization.k8s.io';
const binding = (
  namespace: string,
  name: string,
  role: string,
  kind: 'Role' | 'ClusterRole',
  user: string,
): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: RBAC, kind, name: role },
  subjects: [{ kind: 'User', apiGroup: RBAC, name: user }],
});
const role = (namespace: string, name: string, rules: Role['rules']): Role => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
const pod = (namespace: string, name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/**
 * A cluster with the bootstrap policy and: alice views `default`, carol
 * administers `team`, bob may update pods (not pods/status) in `default`.
 * The RBAC caches follow the store through a trusted Api.
 */
async function cluster(options: Pick<ApiOptions, 'serviceAccountTokens'> = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const system = new Api({ store, clock });
  await system.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  await ensureBootstrapRbac(system);
  await system
    .resource('Role')
    .create(role('default', 'pod-updater', [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['pods'] }]));
  for (const b of [
    binding('default', 'alice-view', 'view', 'ClusterRole', 'alice'),
    binding('team', 'carol-admin', 'admin', 'ClusterRole', 'carol'),
    binding('default', 'bob-updater', 'pod-updater', 'Role', 'bob'),
  ])
    await system.resource('RoleBinding').create(b);
  await system.resource('Pod').create(pod('default', 'web'));
  const factory = new InformerFactory(system);
  const rbac = RbacAuthorizer.fromInformers(factory);
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.waitForSync();
  const api = new Api({ store, clock, authorizer: new AuthorizerChain([rbac]), ...options });
  stops.push(async () => {
    abort.abort();
    await api.close();
    await system.close();
  });
  return { api, system };
}

const refusal = async (work: Promise<unknown>) => {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForbiddenError);
  return (err as Error).message;
};

describe('api.as(identity)', () => {
  it("lets a viewer read and refuses its writes in kube-apiserver's words", async () => {
    const { api } = await cluster();
    const alice = api.as({ user: 'alice' });
    expect((await alice.resource('Pod').list({ namespace: 'default' })).items.map((p) => p.metadata.name)).toEqual([
      'web',
    ]);
    expect((await alice.resource('Pod').get('default', 'web')).metadata.name).toBe('web');
    expect(await refusal(alice.resource('Pod').create(pod('default', 'x')))).toBe(
      'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default"',
    );
    expect(await refusal(alice.resource('Pod').delete('default', 'web'))).toBe(
      'pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"',
    );
    expect(await refusal(alice.resource('Deployment').patch('default', 'd', { spec: {} }))).toBe(
      'deployments.apps "d" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
    );
    expect(await refusal(alice.resource('Pod').list({ namespace: 'team' }))).toBe(
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "team"',
    );
    expect(await refusal(alice.resource('Node').list())).toBe(
      'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(await refusal(firstValueFrom(alice.resource('Secret').watch({ namespace: 'team' })))).toBe(
      'secrets is forbidden: User "alice" cannot watch resource "secrets" in API group "" in the namespace "team"',
    );
  });

  it('authorizes subresources as resource/subresource', async () => {
    const { api } = await cluster();
    const bob = api.as({ user: 'bob' });
    const web = await bob.resource('Pod').get('default', 'web');
    await bob.resource('Pod').update({ ...web, metadata: { ...web.metadata, labels: { a: 'b' } } });
    expect(await refusal(bob.resource('Pod').updateStatus(web))).toMatch(/cannot update resource "pods\/status"/);
    expect(await refusal(bob.resource('Pod').patchStatus('default', 'web', {}))).toMatch(
      /cannot patch resource "pods\/status"/,
    );
    expect(await refusal(bob.bindPod({ namespace: 'default', name: 'web' }, 'node-1'))).toBe(
      'pods "web" is forbidden: User "bob" cannot create resource "pods/binding" in API group "" in the namespace "default"',
    );
    expect(await refusal(bob.evict('default', 'web'))).toMatch(/cannot create resource "pods\/eviction"/);
  });

  it('authorizes requestToken as create on serviceaccounts/token for that account', async () => {
    const key = await generateServiceAccountSigningKey();
    const { api, system } = await cluster({ serviceAccountTokens: new ServiceAccountTokenIssuer({ key }) });
    for (const name of ['builder', 'deployer']) {
      await system
        .resource('ServiceAccount')
        .create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' } });
    }
    await system
      .resource('Role')
      .create(
        role('default', 'builder-token', [
          { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['builder'] },
        ]),
      );
    await system.resource('RoleBinding').create(binding('default', 'tess-token', 'builder-token', 'Role', 'tess'));
    const tess = api.as({ user: 'tess' });
    const issued = await tess.requestToken('default', 'builder', { spec: { expirationSeconds: 600 } });
    expect(issued.status?.token.split('.')).toHaveLength(3);
    expect(await refusal(tess.requestToken('default', 'deployer', { spec: {} }))).toBe(
      'serviceaccounts "deployer" is forbidden: User "tess" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"',
    );
    expect(await refusal(api.as({ user: 'alice' }).requestToken('default', 'builder', { spec: {} }))).toBe(
      'serviceaccounts "builder" is forbidden: User "alice" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"',
    );
  });

  it('checks writes of roles and bindings for escalation', async () => {
    const { api, system } = await cluster();
    const carol = api.as({ user: 'carol' });
    await carol
      .resource('Role')
      .create(role('team', 'reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]));
    const grab = role('team', 'grab', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]);
    expect(await refusal(carol.resource('Role').create(grab))).toMatch(
      /^roles\.rbac\.authorization\.k8s\.io "grab" is forbidden: user "carol" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get"\]\}/,
    );
    expect(
      await refusal(
        carol.resource('RoleBinding').create(binding('team', 'root', 'cluster-admin', 'ClusterRole', 'carol')),
      ),
    ).toMatch(/not currently held/);
    await carol.resource('RoleBinding').create(binding('team', 'alice-edit', 'edit', 'ClusterRole', 'alice'));
    expect(await refusal(carol.resource('Role').create(role('default', 'r', [])))).toMatch(
      /cannot create resource "roles"/,
    );
    // Refused writes wrote nothing.
    const names = (await system.resource('Role').list({ namespace: 'team' })).items.map((r) => r.metadata.name);
    expect(names).toEqual(['reader']);
  });

  it('lets system:masters do anything, and every caller without an authorizer', async () => {
    const { api } = await cluster();
    await api
      .as({ user: 'root', groups: ['system:masters'] })
      .resource('Pod')
      .create(pod('team', 'root-pod'));
    const open = new Api({ store: new MemoryStore() });
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } };
    await open.as({ user: 'anyone' }).resource('ConfigMap').create(cm);
    await open.close();
  });
});

describe('userInfoOf', () => {
  it.each([
    [{ user: 'alice' }, { username: 'alice', groups: ['system:authenticated'] }],
    [{ user: 'system:anonymous' }, { username: 'system:anonymous', groups: [] }],
    [
      { user: 'system:serviceaccount:kube-system:builder' },
      {
        username: 'system:serviceaccount:kube-system:builder',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
    ],
  ])('%j', (identity, user) => {
    expect(userInfoOf(identity)).toEqual(user);
  });
});

describe('ensureBootstrapRbac', () => {
  it('writes the bootstrap policy once, with admin, edit and view aggregated', async () => {
    const api = new Api({ store: new MemoryStore() });
    const first = await ensureBootstrapRbac(api);
    expect(first.created).toEqual(
      expect.arrayContaining([
        'cluster-admin',
        'admin',
        'edit',
        'view',
        'system:node',
        'system:kube-scheduler',
        'system:kube-controller-manager',
        'system:controller:deployment-controller',
      ]),
    );
    const again = await ensureBootstrapRbac(api);
    expect(again).toEqual({ created: [], updated: [] });
    const roles = api.resource<ClusterRole>('ClusterRole');
    const view = await roles.get('view');
    const edit = await roles.get('edit');
    const admin = await roles.get('admin');
    expect(view.rules).toContainEqual(
      expect.objectContaining({
        verbs: ['get', 'list', 'watch'],
        resources: expect.arrayContaining(['pods', 'configmaps']),
      }),
    );
    // edit holds view's rules, admin holds edit's.
    for (const r of view.rules ?? []) expect(edit.rules).toContainEqual(r);
    for (const r of edit.rules ?? []) expect(admin.rules).toContainEqual(r);
    expect(admin.rules).toContainEqual(expect.objectContaining({ resources: ['rolebindings', 'roles'] }));
    await api.close();
  });

  it('puts back what a bootstrap role lost, unless autoupdate is "false"', async () => {
    const api = new Api({ store: new MemoryStore() });
    await ensureBootstrapRbac(api);
    const roles = api.resource<ClusterRole>('ClusterRole');
    const discovery = await roles.get('system:discovery');
    await roles.update({ ...discovery, rules: [] });
    const basic = await roles.get('system:basic-user');
    await roles.update({
      ...basic,
      metadata: { ...basic.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } },
      rules: [],
    });
    expect(await ensureBootstrapRbac(api)).toEqual({ created: [], updated: ['system:discovery'] });
    expect((await roles.get('system:discovery')).rules?.length).toBeGreaterThan(0);
    expect((await roles.get('system:basic-user')).rules).toEqual([]);
    await api.close();
  });
});
