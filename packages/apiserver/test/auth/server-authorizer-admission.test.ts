import {
  Api,
  AuthorizerChain,
  ensureBootstrapRbac,
  InformerFactory,
  MemoryStore,
  NodeAuthorizer,
  type Pod,
  RbacAuthorizer,
} from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, tokenFileAuthenticator } from '../../src/index.js';
import { send } from '../server/served-api.js';

const RBAC = 'rbac.authorization.k8s.io';
const TOKENS = ['mallory-token,mallory,u1', 'node-token,system:node:node-1,u2,"system:nodes"'].join('\n');

/**
 * An ApiServer given Node + RBAC while its Api has no authorizer of its own
 * (as the etcd-cluster example's apiservers run): what an authorizer cannot
 * judge before the object is known (a role binding's grants, the name a
 * node creates) must still be refused.
 */
describe("an ApiServer's own authorizer brings its admission to the Api", () => {
  const store = new MemoryStore();
  const api = new Api({ store });
  const abort = new AbortController();
  let server: ApiServer;
  let url = '';
  const post = (token: string, path: string, body: object) =>
    send(url, 'POST', path, {
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    await ensureBootstrapRbac(api);
    // mallory may write role bindings in x, and holds nothing else there.
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    await api.resource('Role').create({
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: 'binder', namespace: 'x' },
      rules: [{ apiGroups: [RBAC], resources: ['rolebindings'], verbs: ['create'] }],
    });
    await api.resource('RoleBinding').create({
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'mallory-binder', namespace: 'x' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'binder' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: 'mallory' }],
    });
    const informers = new InformerFactory(api);
    const authorizer = new AuthorizerChain([
      new NodeAuthorizer(informers.for<Pod>('Pod').cache),
      RbacAuthorizer.fromInformers(informers),
    ]);
    informers.start(abort.signal);
    await informers.waitForSync();
    server = new ApiServer({ api, authorizer, authenticator: tokenFileAuthenticator(TOKENS) });
    ({ url } = await server.listen({ port: 0 }));
  });
  afterAll(async () => {
    abort.abort();
    await server.stop();
    await api.close();
    await store.close();
  });

  it('a user allowed to create role bindings cannot bind a role granting what it does not hold', async () => {
    const r = await post('mallory-token', `/apis/${RBAC}/v1/namespaces/x/rolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'mallory-admin', namespace: 'x' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: 'mallory' }],
    });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ reason: 'Forbidden' });
    expect(r.text).toMatch(/attempting to grant RBAC permissions not currently held/);
    await expect(api.resource('RoleBinding').get('x', 'mallory-admin')).rejects.toThrow(/not found/);
  });

  it.each([
    [
      'a Node named for another node',
      '/api/v1/nodes',
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } },
    ],
    [
      "another node's Lease",
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases`,
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'node-2', namespace: 'kube-node-lease' },
      },
    ],
  ])('a node agent cannot create %s (NodeRestriction)', async (_, path, body) => {
    const r = await post('node-token', path, body);
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ reason: 'Forbidden' });
    expect((await api.resource(body.kind).list()).items.map((o) => o.metadata.name)).not.toContain('node-2');
  });

  it('its own Node it can create', async () => {
    const r = await post('node-token', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
    });
    expect(r.status).toBe(201);
  });
});
