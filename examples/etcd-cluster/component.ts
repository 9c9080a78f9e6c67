/**
 * One process of the etcd-cluster example, as Kubernetes runs its control
 * plane: `npx tsx examples/etcd-cluster/component.ts <role> --name <name> ...`
 * - `apiserver --etcd URL,URL,... --pki DIR` (DIR holds ca.crt, apiserver.crt/.key, tokens.csv);
 * - `controller-manager | scheduler | node-agent | proxier --kubeconfig FILE`.
 * Reports JSON lines on stdout (see `ComponentEvent`), logs on stderr, stops on
 * SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import { RealClock, RemoteApi } from '@flotilla/core';
import { pino } from 'pino';
import { serverFilesIn } from './credentials.js';
import { runApiServer } from './roles/apiserver.js';
import { runControllerManager } from './roles/controller-manager.js';
import { runNodeAgent } from './roles/node-agent.js';
import { runProxier } from './roles/proxier.js';
import type { ComponentEvent, ProcessContext, RoleContext } from './roles/role-context.js';
import { runScheduler } from './roles/scheduler.js';

/**
 * The client roles, with the request rate limits their Kubernetes
 * counterparts default to (`--kube-api-qps` / `--kube-api-burst`; the
 * kubelet's `kubeAPIQPS` / `kubeAPIBurst`).
 */
/** Each client role, its request budget, and the field manager Kubernetes' own program of that role writes as. */
const clientRoles: Record<
  string,
  { run: (ctx: RoleContext) => Promise<void>; qps: number; burst: number; fieldManager: string }
> = {
  'controller-manager': { run: runControllerManager, qps: 20, burst: 30, fieldManager: 'kube-controller-manager' },
  scheduler: { run: runScheduler, qps: 50, burst: 100, fieldManager: 'kube-scheduler' },
  'node-agent': { run: runNodeAgent, qps: 50, burst: 100, fieldManager: 'kubelet' },
  proxier: { run: runProxier, qps: 5, burst: 10, fieldManager: 'kube-proxy' },
};

const usage = `usage: component.ts apiserver --name NAME --etcd URL[,URL...] --pki DIR
       component.ts <${Object.keys(clientRoles).join('|')}> --name NAME --kubeconfig FILE`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    etcd: { type: 'string' },
    pki: { type: 'string' },
    kubeconfig: { type: 'string' },
  },
});
const role = positionals[0] ?? '';
const name = values.name;
if (!name || (role !== 'apiserver' && !clientRoles[role])) {
  console.error(usage);
  process.exit(2);
}

const abort = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => abort.abort());
// Logs go to stderr: stdout carries only the events the starting script reads.
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn', name }, pino.destination(2));
const ctx: ProcessContext = {
  clock: new RealClock(),
  logger,
  name,
  signal: abort.signal,
  report: (event: ComponentEvent) => process.stdout.write(`${JSON.stringify(event)}\n`),
};

async function run(): Promise<void> {
  if (role === 'apiserver') {
    if (!values.etcd || !values.pki) throw new Error(usage);
    await runApiServer(ctx, { etcd: values.etcd.split(','), files: serverFilesIn(values.pki) });
    return;
  }
  const client = clientRoles[role];
  if (!client || !values.kubeconfig) throw new Error(usage);
  // The server, CA and bearer token all come from this component's own kubeconfig.
  const { qps, burst, fieldManager } = client;
  const api = new RemoteApi({ kubeconfig: values.kubeconfig, clock: ctx.clock, qps, burst, fieldManager });
  try {
    await client.run({ ...ctx, api });
  } finally {
    await api.close();
  }
}

try {
  await run();
} catch (err) {
  logger.error({ err }, 'component failed');
  process.exitCode = 1;
}
