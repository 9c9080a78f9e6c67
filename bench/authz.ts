/**
 * `npm run bench -- authz`: what authorization costs.
 *
 * 1. RBAC decision cost from informer caches with 10,000 RoleBindings (and
 *    100 ClusterRoleBindings) against the same decisions with 10 bindings:
 *    bindings are indexed by subject, so the ratio should stay near 1.
 * 2. The ApiServer's pod create p99 over HTTP with RBAC (10,000 bindings in
 *    the store, the caller bound to `edit` by one of them) against the same
 *    cluster (same bindings, same caches) with AlwaysAllow, both with
 *    static-token authentication, in interleaved rounds (AB, BA, AB, ...):
 *    each round measures both modes back to back, so load that drifts over
 *    the run falls on both alike. The figures are the median over rounds of
 *    each round's p99 ratio, and the CPU time per create of each mode.
 *    Target: RBAC adds <= 10%.
 */
import { loadavg } from 'node:os';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
const PER_ROUND = Number(process.env.BENCH_CREATES_PER_ROUND ?? 500);
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

/** One mode's creates in one round: latencies, and the process CPU they took (server and client share it alike). */
interface Batch {
  latenciesMs: number[];
  cpuUs: number;
}

async function measuredBatch(url: string, prefix: string): Promise<Batch> {
  const latenciesMs: number[] = [];
  const cpu = process.cpuUsage();
  await createBatch(url, prefix, 0, PER_ROUND, latenciesMs);
  const used = process.cpuUsage(cpu);
  return { latenciesMs, cpuUs: used.user + used.system };
}

const median = (values: number[]) => percentile(values, 50);
const servers = { rbac: await serverWith('rbac'), allow: await serverWith('allow') };
await createBatch(servers.rbac.url, 'warm', 0, 300, []);
await createBatch(servers.allow.url, 'warm', 0, 300, []);
const loadBefore = loadavg()[0] ?? 0;
const rounds: { rbac: Batch; allow: Batch }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // AB then BA: whichever mode goes second in a round, it goes first in the next.
  const order = r % 2 === 0 ? (['rbac', 'allow'] as const) : (['allow', 'rbac'] as const);
  const round: Partial<Record<'rbac' | 'allow', Batch>> = {};
  for (const mode of order) round[mode] = await measuredBatch(servers[mode].url, `r${r}`);
  rounds.push(round as { rbac: Batch; allow: Batch });
}
const loadAfter = loadavg()[0] ?? 0;
await servers.rbac.stop();
await servers.allow.stop();

const p99Ratios = rounds.map((r) => percentile(r.rbac.latenciesMs, 99) / percentile(r.allow.latenciesMs, 99));
const cpuRatios = rounds.map((r) => r.rbac.cpuUs / r.allow.cpuUs);
const p50Ratios = rounds.map((r) => percentile(r.rbac.latenciesMs, 50) / percentile(r.allow.latenciesMs, 50));
const cpuPerCreateUs = (mode: 'rbac' | 'allow') =>
  rounds.reduce((sum, r) => sum + r[mode].cpuUs, 0) / (ROUNDS * PER_ROUND);
const all = (mode: 'rbac' | 'allow') => rounds.flatMap((r) => r[mode].latenciesMs);
console.log(
  `create rounds: ${ROUNDS} x ${PER_ROUND} per mode; per-round p99 ratios ${p99Ratios.map((x) => x.toFixed(2)).join(' ')}`,
);
rows.push(
  { figure: 'Create.p50Ms.rbac', value: percentile(all('rbac'), 50), unit: 'ms' },
  { figure: 'Create.p50Ms.alwaysAllow', value: percentile(all('allow'), 50), unit: 'ms' },
  { figure: 'Create.p99Ms.rbac', value: percentile(all('rbac'), 99), unit: 'ms' },
  { figure: 'Create.p99Ms.alwaysAllow', value: percentile(all('allow'), 99), unit: 'ms' },
  { figure: 'Create.cpuUsPerCreate.rbac', value: cpuPerCreateUs('rbac'), unit: 'us' },
  { figure: 'Create.cpuUsPerCreate.alwaysAllow', value: cpuPerCreateUs('allow'), unit: 'us' },
  {
    figure: 'Create.cpuRatio.rbacVsAlwaysAllow',
    value: cpuPerCreateUs('rbac') / cpuPerCreateUs('allow'),
    unit: 'x',
    target: '<= 1.10',
  },
  { figure: 'Create.cpuRatio.medianOfRounds', value: median(cpuRatios), unit: 'x', target: '<= 1.10' },
  { figure: 'Create.p50Ratio.medianOfRounds', value: median(p50Ratios), unit: 'x' },
  { figure: 'Create.p99Ratio.medianOfRounds', value: median(p99Ratios), unit: 'x', target: '<= 1.10' },
  { figure: 'Create.p99Ratio.pooled', value: percentile(all('rbac'), 99) / percentile(all('allow'), 99), unit: 'x' },
  { figure: 'Create.p99Ratio.worstRound', value: Math.max(...p99Ratios), unit: 'x' },
  { figure: 'Machine.loadAverage1m', value: (loadBefore + loadAfter) / 2, unit: 'load' },
);
report('authz', rows);
