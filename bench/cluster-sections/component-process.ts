/**
 * The child process of the cluster-processes bench:
 * `node --import tsx component-process.ts <group> <apiserver-url> <nodes> <batchMs>`,
 * spawned with an IPC channel. Runs one component group on a RemoteApi to
 * the parent's apiserver; sends `{type:'ready'}` once started, answers
 * `{type:'cpu'}` with its own `process.cpuUsage()`, and exits on `{type:'stop'}`
 * or when the parent goes away.
 */
import { setMaxListeners } from 'node:events';
import { RealClock, RemoteApi, silentLogger } from '@flotilla/core';
import { type ComponentGroup, componentGroups, startGroup } from './component-groups.js';

/** What the parent sends. */
export type ToChild = { type: 'cpu' } | { type: 'stop' };
/** What the child sends back. */
export type FromChild = { type: 'ready' } | { type: 'cpu'; usage: NodeJS.CpuUsage };

const [group, server, nodes, batchMs] = process.argv.slice(2);
if (!componentGroups.includes(group as ComponentGroup) || !server) {
  console.error(`usage: component-process.ts <${componentGroups.join('|')}> <apiserver-url> <nodes> <batchMs>`);
  process.exit(2);
}
const send = (m: FromChild) => process.send?.(m);
const abort = new AbortController();
setMaxListeners(0, abort.signal);
// No client-side rate limit: the bench measures the cluster, not client-go's default 5 QPS.
const api = new RemoteApi({ server, qps: Number.POSITIVE_INFINITY });
process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToChild) => {
  if (m.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() });
  else {
    abort.abort();
    api.close();
    process.disconnect();
  }
});
await startGroup(
  group as ComponentGroup,
  api,
  { nodes: Number(nodes), batchPeriodMs: Number(batchMs), clock: new RealClock(), logger: silentLogger() },
  abort.signal,
);
send({ type: 'ready' });
