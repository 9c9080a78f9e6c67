import { join } from 'node:path';
import type { Api } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientCertificateSubject, ClusterCa, tokenFileAuthenticator, writeKubeconfig } from '../../src/index.js';
import { type AuthorizedCluster, authorizedCluster, kubectl, roleBinding } from './kubectl-user.js';

// Each kubeconfig's user, by the certificate it presents: the cluster CA's, or (intruder) another CA's.
const USERS: Record<string, ClientCertificateSubject> = {
  dana: { user: 'dana' },
  erin: { user: 'erin', groups: ['editors', 'team-b'] },
  node1: { user: 'system:node:node-1', groups: ['system:nodes'] },
};

// Client certificates over HTTPS (kube-apiserver's --client-ca-file): CN is the user, each O a group.
describe('kubectl with client certificates against an RBAC-authorized ApiServer', () => {
  let cluster: AuthorizedCluster;
  let system: Api;
  let dir = '';

  beforeAll(async () => {
    const bindings = [
      roleBinding('default', 'dana-view', 'view', 'dana'),
      roleBinding('x', 'editors-edit', 'edit', 'editors', 'Group'),
    ];
    const authenticator = tokenFileAuthenticator('dana-token,dana,uid-1');
    cluster = await authorizedCluster(bindings, { authenticator }, async (server, into) => {
      const ca = await ClusterCa.generate();
      const info = await server.listen({ tls: await ca.issueServingCertificate(), clientCa: ca.caCert });
      for (const [name, subject] of Object.entries(USERS)) {
        const clientCertificate = await ca.issueClientCertificate(subject);
        await writeKubeconfig(join(into, `${name}.kubeconfig`), { server: info, clientCertificate });
      }
      const other = await ClusterCa.generate({ name: 'another-ca' });
      const clientCertificate = await other.issueClientCertificate({ user: 'dana', groups: ['system:masters'] });
      await writeKubeconfig(join(into, 'intruder.kubeconfig'), { server: info, clientCertificate });
      await writeKubeconfig(join(into, 'token.kubeconfig'), { server: info, token: 'dana-token' });
      return info;
    });
    ({ system, dir } = cluster);
  });
  afterAll(() => cluster.stop());

  it('a certificate user bound to view reads', { timeout: 60_000 }, async () => {
    const got = await kubectl(dir, 'dana', ['get', 'pods', '-n', 'default', '-o', 'name']);
    expect(got.stderr).toBe('');
    expect(got.stdout.trim()).toBe('pod/web');
  });

  it("and gets kubectl's Forbidden message on a write; nothing is written", { timeout: 60_000 }, async () => {
    const deleted = await kubectl(dir, 'dana', ['delete', 'pod', 'web', '-n', 'default']);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr.trim()).toBe(
      'Error from server (Forbidden): pods "web" is forbidden: User "dana" cannot delete resource "pods" in API group "" in the namespace "default"',
    );
    expect((await system.resource('Pod').get('default', 'web')).metadata.name).toBe('web');
  });

  it("the certificate's O attributes are the user's groups", { timeout: 60_000 }, async () => {
    const created = await kubectl(dir, 'erin', ['create', 'configmap', 'settings', '-n', 'x']);
    expect([created.stderr, created.stdout.trim()]).toEqual(['', 'configmap/settings created']);
    expect((await system.resource('ConfigMap').get('x', 'settings')).metadata.name).toBe('settings');
    const elsewhere = await kubectl(dir, 'erin', ['create', 'configmap', 'settings', '-n', 'default']);
    expect(elsewhere.stderr.trim()).toBe(
      'error: failed to create configmap: configmaps is forbidden: User "erin" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
  });

  it("a node agent's certificate is judged by the Node authorizer", { timeout: 60_000 }, async () => {
    const own = await kubectl(dir, 'node1', ['auth', 'can-i', 'patch', 'nodes/node-1']);
    // kubectl warns (on stderr) that nodes are not namespaced: its context has the namespace default.
    expect([own.code, own.stdout.trim()], own.stderr).toEqual([0, 'yes']);
    const other = await kubectl(dir, 'node1', ['auth', 'can-i', 'patch', 'nodes/node-2']);
    expect([other.code, other.stdout.trim()], other.stderr).toEqual([
      1,
      'no - node "node-1" is not allowed to modify node "node-2"',
    ]);
  });

  it(
    'a certificate another CA signed is refused with 401, whatever it names; nothing is written',
    { timeout: 60_000 },
    async () => {
      const listed = await kubectl(dir, 'intruder', ['get', 'pods', '-n', 'default']);
      expect([listed.code, listed.stderr.trim().split('\n').at(-1)]).toEqual([
        1,
        'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
      ]);
      // The 401 may reach kubectl before it has sent the whole body, and the server then closes the connection:
      // kubectl prints either "Unauthorized" or the reset. Either way the write is refused.
      const created = await kubectl(dir, 'intruder', ['create', 'configmap', 'intruded', '-n', 'default']);
      expect(created.code).toBe(1);
      expect((await system.resource('ConfigMap').list({ namespace: 'default' })).items).toEqual([]);
    },
  );

  it('the certificate is asked for, not required: a token user still connects', { timeout: 60_000 }, async () => {
    const got = await kubectl(dir, 'token', ['get', 'pods', '-n', 'default', '-o', 'name']);
    expect([got.stderr, got.stdout.trim()]).toEqual(['', 'pod/web']);
  });
});
