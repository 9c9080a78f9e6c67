/**
 * `npm run bench -- authz`: what authorization costs.
 *
 * 1. RBAC decision cost from informer caches with 10,000 RoleBindings (and
 *    100 ClusterRoleBindings) against the same decisions with 10 bindings:
 *    bindings are indexed by subject, so the ratio should stay near 1.
 * 2. The ApiServer's pod create p99 over HTTP with RBAC (10,000 bindings in
 *    the store, the caller bound to `edit` by one of them) against the same
 *    cluster (same bindings, same caches) with AlwaysAllow, both with
 *    static-token authentication, alternating batches in one run.
 *    Target: RBAC adds <= 10%.
 */
import { performance } from 'node:perf_hooks';
import { ApiServer, tokenFileAuthenticator } from '../packages/apiserver/src/index.js';
import {
  Api,
  type AuthorizationAttributes,
  AuthorizerChain,
  alwaysAllowAuthorizer,
  bootstrapClusterRoles,
  Cache,
  type ClusterRole,
  type ClusterRoleBinding,
  ensureBootstrapRbac,
  InformerFactory,
  MemoryStore,
  RbacAuthorizer,
  type Role,
  type RoleBinding,
} from '../packages/core/src/index.js';
import { realisticPod } from './fixtures/realistic-pod.js';
import { type BenchRow, percentile, report } from './report.js';

const BINDINGS = 10_000;
const NAMESPACES = 100;
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 200_000);
const CREATES = Number(process.env.BENCH_CREATES ?? 6000);
const BATCH = 250;
const rows: BenchRow[] = [];
const RBAC = 'rbac.authorization.k8s.io';

const roleBinding = (i: number, role: string): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: `rb-${i}`, namespace: `ns-${i % NAMESPACES}` },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
  subjects: [
    { kind: 'User', apiGroup: RBAC, name: `user-${i}` },
    { kind: 'Group', apiGroup: RBAC, name: `team-${i}` },
  ],
});
const clusterRoleBinding = (i: number): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: `crb-${i}` },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'Group', apiGroup: RBAC, name: `auditors-${i}` }],
});
const ROLES = ['view', 'edit', 'admin'];

/** An authorizer on caches holding the bootstrap roles (aggregated) and `bindings` RoleBindings. */
async function rbacWith(bindings: number): Promise<RbacAuthorizer> {
  const api = new Api({ store: new MemoryStore() });
  await ensureBootstrapRbac(api);
  const clusterRoles = new Cache<ClusterRole>();
  for (const r of (await api.resource('ClusterRole').list()).items) clusterRoles.put(r);
  await api.close();
  const roleBindings = new Cache<RoleBinding>();
  for (let i = 0; i < bindings; i++) roleBindings.put(roleBinding(i, ROLES[i % 3] as string));
  const clusterRoleBindings = new Cache<ClusterRoleBinding>();
  for (let i = 0; i < Math.min(100, bindings); i++) clusterRoleBindings.put(clusterRoleBinding(i));
  return new RbacAuthorizer({ roles: new Cache<Role>(), clusterRoles, roleBindings, clusterRoleBindings });
}

/** A mix of allowed and refused questions about users who hold one binding each. */
function question(i: number, bindings: number): AuthorizationAttributes {
  const n = (i * 7919) % bindings;
  const verbs = ['get', 'list', 'create', 'delete', 'patch'];
  return {
    user: { username: `user-${n}`, groups: [`team-${n}`, 'system:authenticated'] },
    verb: verbs[i % verbs.length] as string,
    resourceRequest: true,
    apiGroup: i % 2 ? 'apps' : '',
    apiVersion: 'v1',
    resource: i % 2 ? 'deployments' : 'pods',
    subresource: '',
    namespace: `ns-${(n + (i % 4 === 0 ? 1 : 0)) % NAMESPACES}`,
    name: i % 3 ? 'x' : '',
    path: '',
  };
}

function decisionLatenciesUs(rbac: RbacAuthorizer, bindings: number): { latencies: number[]; allowed: number } {
  const latencies: number[] = [];
  let allowed = 0;
  for (let i = 0; i < DECISIONS; i++) {
    const q = question(i, bindings);
    const start = performance.now();
    const d = rbac.authorize(q);
    latencies.push((performance.now() - start) * 1000);
    if (d.decision === 'Allow') allowed++;
  }
  return { latencies, allowed };
}

// 1. Decisions from caches.
const small = await rbacWith(10);
const large = await rbacWith(BINDINGS);
decisionLatenciesUs(large, BINDINGS); // warm up the JIT on the same path
const few = decisionLatenciesUs(small, 10);
const many = decisionLatenciesUs(large, BINDINGS);
const p99Few = percentile(few.latencies, 99);
const p99Many = percentile(many.latencies, 99);
rows.push(
  { figure: 'Decision.p50Us@10000', value: percentile(many.latencies, 50), unit: 'us' },
  { figure: 'Decision.p99Us@10000', value: p99Many, unit: 'us' },
  { figure: 'Decision.p50Us@10', value: percentile(few.latencies, 50), unit: 'us' },
  { figure: 'Decision.p99Us@10', value: p99Few, unit: 'us' },
  { figure: 'Decision.p99Ratio10000vs10', value: p99Many / p99Few, unit: 'x', target: 'indexed: near 1' },
  { figure: 'Decision.allowedShare@10000', value: many.allowed / DECISIONS, unit: 'share' },
);
console.log(`bootstrap roles: ${bootstrapClusterRoles().length}; decisions per run: ${DECISIONS}`);

// 2. The apiserver's create p99, RBAC against AlwaysAllow, one run.
const TOKENS = 'bench-token,bencher,uid-1';
async function serverWith(mode: 'rbac' | 'allow') {
  // Both clusters hold the same 10,000 bindings and run the same RBAC caches: only the authorizer differs.
  const store = new MemoryStore();
  const system = new Api({ store });
  const abort = new AbortController();
  await ensureBootstrapRbac(system);
  for (let i = 0; i < BINDINGS; i++) {
    const b = roleBinding(i, ROLES[i % 3] as string);
    b.metadata.namespace = 'default';
    await system.resource('RoleBinding').create(b);
  }
  await system.resource('RoleBinding').create({
    ...roleBinding(BINDINGS, 'edit'),
    metadata: { name: 'bencher-edit', namespace: 'default' },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: 'bencher' }],
  });
  const informers = new InformerFactory(system);
  const rbac = RbacAuthorizer.fromInformers(informers);
  informers.start(abort.signal);
  await informers.waitForSync();
  const authorizer = new AuthorizerChain([mode === 'rbac' ? rbac : alwaysAllowAuthorizer]);
  const api = new Api({ store, authorizer });
  const server = new ApiServer({ api, authenticator: tokenFileAuthenticator(TOKENS) });
  const { url } = await server.listen({ port: 0 });
  return {
    url,
    async stop() {
      abort.abort();
      await server.stop();
      await api.close();
      await system.close();
      await store.close();
    },
  };
}

async function createBatch(url: string, prefix: string, from: number, count: number, into: number[]) {
  for (let i = from; i < from + count; i++) {
    const body = JSON.stringify(realisticPod(`${prefix}-${i}`));
    const start = performance.now();
    const res = await fetch(`${url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer bench-token' },
      body,
    });
    await res.arrayBuffer();
    into.push(performance.now() - start);
    if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  }
}

const withRbac = await serverWith('rbac');
const withAllow = await serverWith('allow');
await createBatch(withRbac.url, 'warm', 0, 300, []);
await createBatch(withAllow.url, 'warm', 0, 300, []);
const rbacMs: number[] = [];
const allowMs: number[] = [];
for (let done = 0; done < CREATES; done += BATCH) {
  await createBatch(withRbac.url, 'p', done, BATCH, rbacMs);
  await createBatch(withAllow.url, 'p', done, BATCH, allowMs);
}
await withRbac.stop();
await withAllow.stop();
const p99Rbac = percentile(rbacMs, 99);
const p99Allow = percentile(allowMs, 99);
rows.push(
  { figure: 'Create.p50Ms.rbac', value: percentile(rbacMs, 50), unit: 'ms' },
  { figure: 'Create.p50Ms.alwaysAllow', value: percentile(allowMs, 50), unit: 'ms' },
  { figure: 'Create.p99Ms.rbac', value: p99Rbac, unit: 'ms' },
  { figure: 'Create.p99Ms.alwaysAllow', value: p99Allow, unit: 'ms' },
  { figure: 'Create.p50Ratio.rbacVsAlwaysAllow', value: percentile(rbacMs, 50) / percentile(allowMs, 50), unit: 'x' },
  { figure: 'Create.p99Ratio.rbacVsAlwaysAllow', value: p99Rbac / p99Allow, unit: 'x', target: '<= 1.10' },
);
report('authz', rows);
