/**
 * One process of the etcd-cluster example:
 * `npx tsx examples/etcd-cluster/component.ts <role> --name <name> --etcd <url,url,...>`
 * with role controller-manager | scheduler | node-agent | proxier. Reports
 * JSON lines on stdout (see `ComponentEvent`), logs on stderr, stops on
 * SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import { Api, EtcdStore, RealClock } from '@flotilla/core';
import { pino } from 'pino';
import { runControllerManager } from './roles/controller-manager.js';
import { runNodeAgent } from './roles/node-agent.js';
import { runProxier } from './roles/proxier.js';
import type { ComponentEvent, RoleContext } from './roles/role-context.js';
import { runScheduler } from './roles/scheduler.js';

const roles: Record<string, (ctx: RoleContext) => Promise<void>> = {
  'controller-manager': runControllerManager,
  scheduler: runScheduler,
  'node-agent': runNodeAgent,
  proxier: runProxier,
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, etcd: { type: 'string' } },
});
const role = roles[positionals[0] ?? ''];
if (!role || !values.name || !values.etcd) {
  console.error(`usage: component.ts <${Object.keys(roles).join('|')}> --name NAME --etcd URL[,URL...]`);
  process.exit(2);
}

const abort = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => abort.abort());
const store = new EtcdStore({ endpoints: values.etcd.split(','), requestTimeoutMs: 3000 });
const clock = new RealClock();
const api = new Api({ store, clock });
// Logs go to stderr: stdout carries only the events the starting script reads.
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn', name: values.name }, pino.destination(2));
const report = (event: ComponentEvent) => process.stdout.write(`${JSON.stringify(event)}\n`);
try {
  await role({ api, clock, logger, name: values.name, signal: abort.signal, report });
} catch (err) {
  logger.error({ err }, 'component failed');
  process.exitCode = 1;
} finally {
  api.close();
  await store.close();
}
