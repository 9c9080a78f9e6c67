import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  AuthorizerChain,
  ensureBootstrapRbac,
  InformerFactory,
  MemoryStore,
  NodeAuthorizer,
  type Pod,
  RbacAuthorizer,
  type RoleBinding,
} from '@flotilla/core';
import { ApiServer, type ApiServerOptions, type ServingInfo } from '../../src/index.js';

/** The kubectl on PATH (1.32) as one user (`<dir>/<user>.kubeconfig`), with a fresh cache dir per call. */
export function kubectl(
  dir: string,
  user: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cache = join(dir, `cache-${Math.random().toString(36).slice(2)}`);
  const all = [...args, '--kubeconfig', join(dir, `${user}.kubeconfig`), '--cache-dir', cache];
  return new Promise((resolve) => {
    execFile('kubectl', all, { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const RBAC = 'rbac.authorization.k8s.io';

/** A RoleBinding of ClusterRole `role` in `namespace` to one user (or group). */
export const roleBinding = (
  namespace: string,
  name: string,
  role: string,
  subject: string,
  kind: 'User' | 'Group' = 'User',
): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
  subjects: [{ kind, apiGroup: RBAC, name: subject }],
});

/** A served cluster the kubectl tests drive, and the trusted Api that checks what they wrote. */
export interface AuthorizedCluster {
  /** The trusted Api: writes the policy, reads what kubectl left. */
  system: Api;
  server: ApiServer;
  /** Where each user's kubeconfig goes (`kubectl(dir, user, ...)`). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * The bootstrap policy, namespace `x`, pod `default/web` and `bindings`,
 * served by an ApiServer that authorizes with Node + RBAC from synced caches
 * (kube-apiserver's `--authorization-mode=Node,RBAC`); `listen` opens it and
 * writes the kubeconfigs into `dir`.
 */
export async function authorizedCluster(
  bindings: RoleBinding[],
  server: Omit<ApiServerOptions, 'api'>,
  listen: (server: ApiServer, dir: string) => Promise<ServingInfo>,
): Promise<AuthorizedCluster> {
  const store = new MemoryStore();
  const system = new Api({ store });
  const abort = new AbortController();
  await ensureBootstrapRbac(system);
  await system.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  for (const binding of bindings) await system.resource('RoleBinding').create(binding);
  await system.resource('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  const informers = new InformerFactory(system);
  const chain = new AuthorizerChain([
    new NodeAuthorizer(informers.for<Pod>('Pod').cache),
    RbacAuthorizer.fromInformers(informers),
  ]);
  informers.start(abort.signal);
  await informers.waitForSync();
  const api = new Api({ store, authorizer: chain });
  const served = new ApiServer({ ...server, api });
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-kubectl-'));
  await listen(served, dir);
  return {
    system,
    server: served,
    dir,
    async stop() {
      abort.abort();
      await served.stop();
      await api.close();
      await system.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
