import { join } from 'node:path';
import type { Api } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFileAuthenticator, writeKubeconfig } from '../../src/index.js';
import { type AuthorizedCluster, authorizedCluster, kubectl, roleBinding } from './kubectl-user.js';

// kube-apiserver's --token-auth-file format: token,user,uid,"group1,group2".
const TOKENS = [
  'viewer-token,viewer,uid-1,"team-a,team-b"',
  'carol-token,carol,uid-2',
  'root-token,root,uid-3,system:masters',
].join('\n');

// RBAC over HTTPS with static tokens: viewer may view `default`, carol administers `x`, root is in system:masters.
describe('kubectl against an RBAC-authorized ApiServer', () => {
  let cluster: AuthorizedCluster;
  let system: Api;
  let dir = '';

  beforeAll(async () => {
    const bindings = [
      roleBinding('default', 'viewer-view', 'view', 'viewer'),
      roleBinding('x', 'carol-admin', 'admin', 'carol'),
    ];
    cluster = await authorizedCluster(
      bindings,
      { authenticator: tokenFileAuthenticator(TOKENS) },
      async (server, into) => {
        const info = await server.listen({ port: 0, tls: true });
        for (const user of ['viewer', 'carol', 'root']) {
          await writeKubeconfig(join(into, `${user}.kubeconfig`), { server: info, token: `${user}-token` });
        }
        await writeKubeconfig(join(into, 'nobody.kubeconfig'), { server: info, token: 'not-in-the-file' });
        return info;
      },
    );
    ({ system, dir } = cluster);
  });
  afterAll(() => cluster.stop());

  it('a token bound to view reads', { timeout: 60_000 }, async () => {
    const got = await kubectl(dir, 'viewer', ['get', 'pods', '-n', 'default', '-o', 'name']);
    expect(got.stderr).toBe('');
    expect(got.stdout.trim()).toBe('pod/web');
  });

  it("and gets kubectl's Forbidden message on writes and outside its namespace", { timeout: 60_000 }, async () => {
    const deleted = await kubectl(dir, 'viewer', ['delete', 'pod', 'web', '-n', 'default']);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr.trim()).toBe(
      'Error from server (Forbidden): pods "web" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "default"',
    );
    const listed = await kubectl(dir, 'viewer', ['get', 'pods', '-n', 'x']);
    expect(listed.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "x"',
    );
    expect((await system.resource('Pod').get('default', 'web')).metadata.name).toBe('web');
  });

  it('auth can-i answers for the caller and, impersonating, for another user', { timeout: 60_000 }, async () => {
    const mine = await kubectl(dir, 'viewer', ['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    expect([mine.code, mine.stdout.trim()]).toEqual([0, 'yes']);
    const create = await kubectl(dir, 'root', ['auth', 'can-i', 'create', 'deployments', '-n', 'x', '--as=carol']);
    expect([create.code, create.stdout.trim()]).toEqual([0, 'yes']);
    const viewer = await kubectl(dir, 'root', ['auth', 'can-i', 'create', 'deployments', '-n', 'x', '--as=viewer']);
    expect([viewer.code, viewer.stdout.trim()]).toEqual([1, 'no']);
  });

  it('auth can-i --list shows the rules held in a namespace', { timeout: 60_000 }, async () => {
    const listed = await kubectl(dir, 'viewer', ['auth', 'can-i', '--list', '-n', 'default']);
    expect(listed.stderr).toBe('');
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(lines).toContainEqual(expect.stringMatching(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/),
    );
  });

  it('impersonation needs the impersonate verb', { timeout: 60_000 }, async () => {
    const allowed = await kubectl(dir, 'root', ['get', 'pods', '-n', 'default', '-o', 'name', '--as=viewer']);
    expect([allowed.stderr, allowed.stdout.trim()]).toEqual(['', 'pod/web']);
    const asViewer = await kubectl(dir, 'root', ['delete', 'pod', 'web', '-n', 'default', '--as=viewer']);
    expect(asViewer.stderr.trim()).toMatch(
      /^Error from server \(Forbidden\): pods "web" is forbidden: User "viewer" cannot delete/,
    );
    // kubectl 1.32 cannot decode the Status of a refused discovery request and prints "unknown",
    // as it does against kube-apiserver; impersonation.test.ts checks the Status itself.
    const refused = await kubectl(dir, 'viewer', ['get', 'pods', '--as=root']);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('Error from server (Forbidden): unknown');
  });

  it(
    'a binding that grants more than its writer holds is refused, and nothing is written',
    { timeout: 60_000 },
    async () => {
      const refused = await kubectl(dir, 'carol', [
        'create',
        'rolebinding',
        'grab',
        '--clusterrole=cluster-admin',
        '--user=carol',
        '-n',
        'x',
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /rolebindings\.rbac\.authorization\.k8s\.io "grab" is forbidden: user "carol" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:/,
      );
      const allowed = await kubectl(dir, 'carol', [
        'create',
        'rolebinding',
        'viewers',
        '--clusterrole=view',
        '--user=dave',
        '-n',
        'x',
      ]);
      expect(allowed.stderr).toBe('');
      const names = (await system.resource('RoleBinding').list({ namespace: 'x' })).items.map((b) => b.metadata.name);
      expect(names.sort()).toEqual(['carol-admin', 'viewers']);
    },
  );

  it('a request with a token not in the file is Unauthorized', { timeout: 60_000 }, async () => {
    const refused = await kubectl(dir, 'nobody', ['get', 'pods']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
  });
});
