import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  FakeClock,
  generateServiceAccountSigningKey,
  MemoryStore,
  ServiceAccountTokenIssuer,
} from '@flotilla/core';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, type AuthorizationAttributes, writeKubeconfig } from '../../src/index.js';

/** The kubectl on PATH (1.32) with a fresh cache dir per call. */
function kubectl(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cache = join(dir, `cache-${Math.random().toString(36).slice(2)}`);
  const all = [...args, '--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', cache];
  return new Promise((resolve) => {
    const child = execFile('kubectl', all, { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

// Over HTTPS: kubectl sends no bearer token to a plain-HTTP server (and prompts for a password on HTTPS without one).
// The kubeconfig's user `admin` (a fixed test token) may ask for tokens but not read config maps; the service account may.
const seen: AuthorizationAttributes[] = [];
describe('kubectl create token', () => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const api = new Api({ store, clock });
  let server: ApiServer;
  let dir = '';
  const key = generateServiceAccountSigningKey();

  beforeAll(async () => {
    server = new ApiServer({
      api,
      serviceAccountTokens: new ServiceAccountTokenIssuer({ key: await key }),
      authenticator: {
        authenticate: (req) =>
          req.headers.authorization === 'Bearer admin-token' ? { username: 'admin', groups: [] } : undefined,
      },
      authorizer: {
        authorize: (a) => {
          seen.push(a);
          const adminRead = a.user.username === 'admin' && a.resource === 'configmaps';
          return adminRead ? { decision: 'Deny', reason: 'not for admin' } : { decision: 'Allow', reason: '' };
        },
      },
    });
    const info = await server.listen({ port: 0, tls: true });
    await api.resource('ServiceAccount').create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'default' },
    });
    dir = await mkdtemp(join(tmpdir(), 'flotilla-create-token-'));
    await writeKubeconfig(join(dir, 'kubeconfig'), { server: info, token: 'admin-token' });
  });
  afterAll(async () => {
    await server.stop();
    await api.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'prints a token for the default service account, and kubectl then works with it',
    { timeout: 60_000 },
    async () => {
      const created = await kubectl(dir, ['create', 'token', 'default', '--duration', '20m']);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      const { payload } = await jwtVerify(token, (await key).publicKey, { currentDate: new Date(clock.now()) });
      expect(payload.sub).toBe('system:serviceaccount:default:default');
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1200);
      expect(seen.find((a) => a.subresource === 'token')).toMatchObject({
        verb: 'create',
        resource: 'serviceaccounts',
      });

      const admin = await kubectl(dir, ['get', 'configmaps']);
      expect(admin.code).toBe(1);
      expect(admin.stderr).toContain('User "admin" cannot list resource "configmaps"');

      const withToken = await kubectl(dir, ['get', 'configmaps', '--token', token]);
      expect(withToken.stderr).toBe('No resources found in default namespace.\n');
      expect(withToken.code).toBe(0);
      expect(seen.at(-1)?.user).toMatchObject({
        username: 'system:serviceaccount:default:default',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      });
    },
  );
});
