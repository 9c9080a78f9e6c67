/**
 * `npm run bench -- apiserver`: the ApiServer's HTTP cost. A second process
 * (bench/apiserver-sections/http-client.ts) sends pod creates, gets and
 * lists over HTTP/1.1 keep-alive on loopback, and holds 100 watches; beside
 * each, the in-process Api does the same work in this run, so every HTTP
 * figure stands next to its in-process one.
 *
 * Cost per create is the serving process's CPU time per create
 * (`process.cpuUsage`), HTTP against in-process: the overhead ratio.
 * Latencies are measured by the client, open loop at a fixed rate. The
 * machine's load average at the start and the end stands beside them: on a
 * shared machine the wall-clock figures follow it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ApiServer } from '../packages/apiserver/src/index.js';
import { Api, MemoryStore, type Pod } from '../packages/core/src/index.js';
import type { ClientAnswer, ClientCommand } from './apiserver-sections/http-client.js';
import { realisticPod } from './fixtures/realistic-pod.js';
import { type BenchRow, percentile, report } from './report.js';

const CREATES = Number(process.env.BENCH_CREATES ?? 5000);
const RATE = 1000;
const WATCHERS = 100;
const WATCH_EVENTS = Number(process.env.BENCH_WATCH_EVENTS ?? 2000);
const here = dirname(fileURLToPath(import.meta.url));
const wallNow = () => performance.timeOrigin + performance.now();
const rows: BenchRow[] = [{ figure: 'Machine.loadAverage1mAtStart', value: loadavg()[0]!, unit: 'load' }];

function startClient(): Promise<ChildProcess> {
  const child = fork(join(here, 'apiserver-sections', 'http-client.ts'), [], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve) => child.once('message', () => resolve(child)));
}

function ask(child: ChildProcess, command: ClientCommand, onReady?: () => void): Promise<ClientAnswer> {
  return new Promise((resolve) => {
    const listener = (message: ClientAnswer | { ready: true }) => {
      if ('ready' in message) return onReady?.();
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
    child.send(command);
  });
}

/** CPU microseconds this process spends in `work`. */
async function cpuOf<T>(work: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuUs: used.user + used.system };
}

/** Runs `op(i)` for i < n at `perSecond`, open loop, and returns each latency in ms. */
async function pacedInProcess(n: number, perSecond: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(op(i).then(() => latencies.push(performance.now() - t0)));
  }
  await Promise.all(pending);
  return latencies;
}

function podBody(name: string): Pod {
  const pod = realisticPod(name);
  delete pod.metadata.namespace;
  return pod;
}

const store = new MemoryStore({ historyLimit: 100_000 });
const api = new Api({ store });
const server = new ApiServer({ api });
const { url } = await server.listen({ port: 0 });
const client = await startClient();
const pods = api.resource('Pod');
const podsPath = '/api/v1/namespaces/default/pods';

// Warm up both paths (JIT, sockets) before measuring.
await ask(client, {
  cmd: 'paced',
  url,
  method: 'POST',
  paths: Array.from({ length: 500 }, () => podsPath),
  bodies: Array.from({ length: 500 }, (_, i) => JSON.stringify(podBody(`warm-http-${i}`))),
  perSecond: 2000,
  concurrency: 64,
});
for (let i = 0; i < 500; i++) await pods.create(realisticPod(`warm-api-${i}`));

// Creates over HTTP at 1,000/s.
const bodies = Array.from({ length: CREATES }, (_, i) => JSON.stringify(podBody(`http-${i}`)));
const http = await cpuOf(() =>
  ask(client, {
    cmd: 'paced',
    url,
    method: 'POST',
    paths: bodies.map(() => podsPath),
    bodies,
    perSecond: RATE,
    concurrency: 64,
  }),
);
// The same creates through the in-process Api at the same rate.
const inProcess = await cpuOf(() => pacedInProcess(CREATES, RATE, (i) => pods.create(realisticPod(`api-${i}`))));
const httpCpu = http.cpuUs / CREATES;
const apiCpu = inProcess.cpuUs / CREATES;
const httpP99 = percentile(http.result.latencies, 99);
rows.push(
  {
    figure: 'CreateHttp.perSec',
    value: (CREATES / http.result.elapsedMs) * 1000,
    unit: 'req/s',
    target: `offered ${RATE}`,
  },
  { figure: 'CreateHttp.p50Ms', value: percentile(http.result.latencies, 50), unit: 'ms' },
  { figure: 'CreateHttp.p99Ms', value: httpP99, unit: 'ms', target: '<= 50' },
  { figure: 'CreateHttp.p99VsTarget', value: httpP99 / 50, unit: 'ratio', target: '<= 1' },
  { figure: 'CreateHttp.failures', value: http.result.failures, unit: 'count', target: '0' },
  { figure: 'CreateInProcess.p50Ms', value: percentile(inProcess.result, 50), unit: 'ms' },
  { figure: 'CreateInProcess.p99Ms', value: percentile(inProcess.result, 99), unit: 'ms' },
  { figure: 'CreateHttp.serverCpuUs', value: httpCpu, unit: 'us/create' },
  { figure: 'CreateInProcess.cpuUs', value: apiCpu, unit: 'us/create' },
  { figure: 'CreateHttp.costRatio', value: httpCpu / apiCpu, unit: 'ratio', target: '<= 3' },
);

// Gets and lists over HTTP, beside the in-process Api.
const getPaths = Array.from({ length: CREATES }, (_, i) => `${podsPath}/http-${i % CREATES}`);
const gets = await cpuOf(() =>
  ask(client, { cmd: 'paced', url, method: 'GET', paths: getPaths, perSecond: RATE, concurrency: 64 }),
);
const apiGets = await cpuOf(() => pacedInProcess(CREATES, RATE, (i) => pods.get('default', `http-${i % CREATES}`)));
const LISTS = 300;
const listPaths = Array.from({ length: LISTS }, () => `${podsPath}?limit=100`);
const lists = await cpuOf(() =>
  ask(client, { cmd: 'paced', url, method: 'GET', paths: listPaths, perSecond: 100, concurrency: 16 }),
);
const apiLists = await cpuOf(() => pacedInProcess(LISTS, 100, () => pods.list({ namespace: 'default', limit: 100 })));
rows.push(
  { figure: 'GetHttp.p99Ms', value: percentile(gets.result.latencies, 99), unit: 'ms' },
  { figure: 'GetInProcess.p99Ms', value: percentile(apiGets.result, 99), unit: 'ms' },
  { figure: 'GetHttp.costRatio', value: gets.cpuUs / CREATES / (apiGets.cpuUs / CREATES), unit: 'ratio' },
  { figure: 'List100Http.p99Ms', value: percentile(lists.result.latencies, 99), unit: 'ms' },
  { figure: 'List100InProcess.p99Ms', value: percentile(apiLists.result, 99), unit: 'ms' },
  { figure: 'List100Http.costRatio', value: lists.cpuUs / LISTS / (apiLists.cpuUs / LISTS), unit: 'ratio' },
);

// Watch fan-out, 1,000 events/s: first 100 in-process subscribers alone, then 100 HTTP watchers in the
// client process alone, so neither run pays for the other's deliveries.
const stamped = (prefix: string) => (i: number) => {
  const pod = realisticPod(`${prefix}-${i}`);
  pod.metadata.annotations = { ...pod.metadata.annotations, 'bench/sent-at': String(wallNow()) };
  return pods.create(pod);
};
const inProcessLatencies: number[] = [];
const inProcessFrom = (await pods.list({ namespace: 'default', limit: 1 })).resourceVersion;
const subscriptions = Array.from({ length: WATCHERS }, () =>
  pods.watch({ namespace: 'default', resourceVersion: inProcessFrom }).subscribe((e) => {
    const sentAt = e.object.metadata.annotations?.['bench/sent-at'];
    if (sentAt !== undefined) inProcessLatencies.push(wallNow() - Number(sentAt));
  }),
);
const inProcessFanout = await cpuOf(async () => {
  await pacedInProcess(WATCH_EVENTS, RATE, stamped('watched-api'));
  while (inProcessLatencies.length < WATCHERS * WATCH_EVENTS) await new Promise((r) => setTimeout(r, 10));
});
for (const s of subscriptions) s.unsubscribe();

const from = (await pods.list({ namespace: 'default', limit: 1 })).resourceVersion;
let watchersReady = () => {};
const ready = new Promise<void>((resolve) => {
  watchersReady = resolve;
});
const watched = ask(
  client,
  {
    cmd: 'watch',
    url,
    path: `${podsPath}?watch=true&resourceVersion=${from}`,
    watchers: WATCHERS,
    expect: WATCH_EVENTS,
  },
  () => watchersReady(),
);
await ready;
const httpFanout = await cpuOf(async () => {
  await pacedInProcess(WATCH_EVENTS, RATE, stamped('watched-http'));
  return watched;
});
const watchAnswer = httpFanout.result;
const watchP99 = percentile(watchAnswer.latencies, 99);
rows.push(
  {
    figure: 'WatchHttp.events',
    value: watchAnswer.latencies.length,
    unit: 'count',
    target: `${WATCHERS * WATCH_EVENTS}`,
  },
  { figure: 'WatchHttp.deliveryP50Ms', value: percentile(watchAnswer.latencies, 50), unit: 'ms' },
  { figure: 'WatchHttp.deliveryP99Ms', value: watchP99, unit: 'ms', target: '<= 100' },
  { figure: 'WatchHttp.p99VsTarget', value: watchP99 / 100, unit: 'ratio', target: '<= 1' },
  { figure: 'WatchInProcess.deliveryP50Ms', value: percentile(inProcessLatencies, 50), unit: 'ms' },
  { figure: 'WatchInProcess.deliveryP99Ms', value: percentile(inProcessLatencies, 99), unit: 'ms' },
  // Server CPU per change (its create and its delivery to every watcher): HTTP watchers against in-process subscribers.
  { figure: 'WatchHttp.serverCpuUsPerEvent', value: httpFanout.cpuUs / WATCH_EVENTS, unit: 'us/event' },
  { figure: 'WatchInProcess.cpuUsPerEvent', value: inProcessFanout.cpuUs / WATCH_EVENTS, unit: 'us/event' },
  { figure: 'WatchHttp.costRatio', value: httpFanout.cpuUs / inProcessFanout.cpuUs, unit: 'ratio' },
);

client.send({ cmd: 'exit' });
await server.stop();
await api.close();
await store.close();
rows.push({ figure: 'Machine.loadAverage1mAtEnd', value: loadavg()[0]!, unit: 'load' });
report('apiserver', rows);
