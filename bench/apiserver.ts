/**
 * `npm run bench -- apiserver`: the ApiServer's HTTP cost. A second process
 * (bench/apiserver-sections/http-client.ts) sends pod creates, gets and
 * lists over HTTP/1.1 keep-alive on loopback, and holds 100 watches; beside
 * each, the in-process Api does the same work in this run, so every HTTP
 * figure stands next to its in-process one.
 *
 * Cost per create is the serving process's CPU time per create
 * (`process.cpuUsage`, every thread), HTTP against in-process: the overhead
 * ratio. Beside them stands the floor of any HTTP face in the same run: a
 * bare `node:http` server in this process that reads the body, parses it,
 * makes the same Api create and answers its JSON, and nothing more
 * (bench/apiserver-sections/bare-http-floor.ts); the ApiServer's cost is
 * also given as a ratio to it. Under that floor stands a lower one: the same
 * JSON, create and answer with HTTP/1.1 read and written by hand on a raw
 * socket (bench/apiserver-sections/raw-socket-floor.ts), the least any HTTP
 * face on this runtime can cost, whatever server it uses.
 *
 * The sides run in rotating rounds (with two sides, HTTP first in even
 * rounds and the Api first in odd ones), so that a burst of other work on a
 * shared machine falls on every side alike. Each side of a round starts
 * after a full garbage collection, off the clock, and ends with a minor one
 * on its clock: each pays for collecting its own garbage, none for the
 * other's (a full collection that one side's garbage started used to land in
 * either side's round). All sides write into the one store, which keeps what
 * any creates. The figure is
 * the median of the rounds' CPU per operation on each side, their ratio;
 * the spread of the rounds (their quartiles and range, and the rounds' own
 * ratios) stands beside it, and the pooled ratio too.
 * Latencies are measured by the client, open loop at a fixed rate. The
 * machine's load average at the start and the end stands beside them: on a
 * shared machine the wall-clock figures follow it.
 *
 * `BENCH_IN_PROCESS_FIELD_MANAGER=<name>` gives the server that
 * `inProcessFieldManager`: the in-process side's writes then record
 * managedFields as the HTTP side's do, as in Kubernetes, where every write
 * passes the apiserver (the same Kubernetes work on both sides).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ApiServer } from '../packages/apiserver/src/index.js';
import { Api, MemoryStore, type Pod } from '../packages/core/src/index.js';
import { startBareHttpFloor } from './apiserver-sections/bare-http-floor.js';
import type { ClientAnswer, ClientCommand } from './apiserver-sections/http-client.js';
import { startRawSocketFloor } from './apiserver-sections/raw-socket-floor.js';
import { realisticPod } from './fixtures/realistic-pod.js';
import { type BenchRow, percentile, report } from './report.js';

const CREATES = Number(process.env.BENCH_CREATES ?? 5000);
const RATE = 1000;
const WATCHERS = 100;
const WATCH_EVENTS = Number(process.env.BENCH_WATCH_EVENTS ?? 2000);
const here = dirname(fileURLToPath(import.meta.url));
const wallNow = () => performance.timeOrigin + performance.now();
const rows: BenchRow[] = [{ figure: 'Machine.loadAverage1mAtStart', value: loadavg()[0]!, unit: 'load' }];
const inProcessFieldManager = process.env.BENCH_IN_PROCESS_FIELD_MANAGER || undefined;
rows.push({ figure: 'InProcess.recordsManagedFields', value: inProcessFieldManager ? 1 : 0, unit: 'bool' });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

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

/**
 * `cpuOf(work)` for one side of a round: from a fully collected heap (off the clock), and ending with a minor
 * collection on it, so the side pays for collecting the young garbage it left and never for the other side's.
 */
function sideCpuOf<T>(work: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  gc({ type: 'major' });
  return cpuOf(async () => {
    const result = await work();
    gc({ type: 'minor' });
    return result;
  });
}

/** What one side of a comparison did: its CPU microseconds, latencies (ms), failures and wall time. */
interface Side {
  cpuUs: number;
  latencies: number[];
  failures: number;
  elapsedMs: number;
  /** Each round's CPU microseconds. */
  roundsUs: number[];
}

/**
 * The sides of a comparison: HTTP through the ApiServer, the in-process Api and, for creates, the bare HTTP
 * floor and the raw socket floor.
 */
type SideName = 'http' | 'api' | 'floor' | 'raw';

/**
 * Runs `rounds` rounds of every side, rotating which side goes first (with
 * two sides, the HTTP side first in even rounds), and pools each side.
 * `prepare(round)`, when given, runs before the round and is not measured
 * (it ships the round's bodies to the client).
 */
async function interleaved(
  rounds: number,
  sides: Partial<Record<SideName, (round: number) => Promise<ClientAnswer>>>,
  prepare?: (round: number) => Promise<unknown>,
): Promise<Partial<Record<SideName, Side>>> {
  const names = Object.keys(sides) as SideName[];
  const out: Partial<Record<SideName, Side>> = {};
  for (const name of names) out[name] = { cpuUs: 0, latencies: [], failures: 0, elapsedMs: 0, roundsUs: [] };
  for (let round = 0; round < rounds; round++) {
    await prepare?.(round);
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(round + turn) % names.length]!;
      const { result, cpuUs } = await sideCpuOf(() => sides[name]!(round));
      const side = out[name]!;
      side.cpuUs += cpuUs;
      side.roundsUs.push(cpuUs);
      side.latencies.push(...result.latencies);
      side.failures += result.failures;
      side.elapsedMs += result.elapsedMs;
    }
  }
  return out;
}

/**
 * The rows of one comparison's CPU: the median round's CPU per operation on each side and their ratio (the
 * figure), each side's quartiles and range over the rounds, the rounds' own ratios, and the pooled ratio; with a
 * floor side (the bare HTTP one, the raw socket one), its CPU per operation and the ratios HTTP / floor and
 * floor / in-process beside them.
 */
function costRows(
  name: string,
  compared: Partial<Record<SideName, Side>>,
  operationsPerRound: number,
  target?: string,
): BenchRow[] {
  const perOp = (side: Side) => side.roundsUs.map((us) => us / operationsPerRound).sort((a, b) => a - b);
  const httpSide = compared.http!;
  const apiSide = compared.api!;
  const http = perOp(httpSide);
  const api = perOp(apiSide);
  const ratios = httpSide.roundsUs.map((us, i) => us / apiSide.roundsUs[i]!).sort((a, b) => a - b);
  const spread = (figure: string, sorted: number[], unit: string): BenchRow[] => [
    { figure: `${figure}Min`, value: sorted[0] ?? 0, unit },
    { figure: `${figure}P25`, value: percentile(sorted, 25), unit },
    { figure: `${figure}P75`, value: percentile(sorted, 75), unit },
    { figure: `${figure}Max`, value: sorted[sorted.length - 1] ?? 0, unit },
  ];
  const rows: BenchRow[] = [
    { figure: `${name}Http.serverCpuUs`, value: percentile(http, 50), unit: 'us/op' },
    { figure: `${name}InProcess.cpuUs`, value: percentile(api, 50), unit: 'us/op' },
    { figure: `${name}Http.costRatio`, value: percentile(http, 50) / percentile(api, 50), unit: 'ratio', target },
    ...spread(`${name}Http.serverCpuUsRound`, http, 'us/op'),
    ...spread(`${name}InProcess.cpuUsRound`, api, 'us/op'),
    { figure: `${name}Http.costRatioRoundMedian`, value: percentile(ratios, 50), unit: 'ratio' },
    ...spread(`${name}Http.costRatioRound`, ratios, 'ratio'),
    { figure: `${name}Http.costRatioPooled`, value: httpSide.cpuUs / apiSide.cpuUs, unit: 'ratio' },
  ];
  for (const [side, floorName] of [
    ['floor', 'BareHttp'],
    ['raw', 'RawSocket'],
  ] as const) {
    if (!compared[side]) continue;
    const floor = perOp(compared[side]);
    rows.push(
      { figure: `${name}${floorName}.serverCpuUs`, value: percentile(floor, 50), unit: 'us/op' },
      ...spread(`${name}${floorName}.serverCpuUsRound`, floor, 'us/op'),
      { figure: `${name}${floorName}.costRatio`, value: percentile(floor, 50) / percentile(api, 50), unit: 'ratio' },
      { figure: `${name}Http.vs${floorName}`, value: percentile(http, 50) / percentile(floor, 50), unit: 'ratio' },
    );
  }
  return rows;
}

/** Runs `op(i)` for i < n at `perSecond`, open loop, and times each (ms) and the whole. */
async function pacedInProcess(
  n: number,
  perSecond: number,
  op: (i: number) => Promise<unknown>,
): Promise<ClientAnswer> {
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
  return { latencies, failures: 0, elapsedMs: performance.now() - start };
}

function podBody(name: string): Pod {
  const pod = realisticPod(name);
  delete pod.metadata.namespace;
  return pod;
}

const store = new MemoryStore({ historyLimit: 100_000 });
const api = new Api({ store });
const server = new ApiServer({ api, inProcessFieldManager });
const { url } = await server.listen({ port: 0 });
const floor = await startBareHttpFloor(api);
const rawFloor = await startRawSocketFloor(api);
const client = await startClient();
const pods = api.resource('Pod');
const podsPath = '/api/v1/namespaces/default/pods';

// Warm up both paths (JIT, sockets) before measuring: with fewer, the first rounds still paid for optimizing.
const WARM = 2000;
for (const [target, prefix] of [
  [url, 'warm-http'],
  [floor.url, 'warm-floor'],
  [rawFloor.url, 'warm-raw'],
] as const) {
  await ask(client, {
    cmd: 'paced',
    url: target,
    method: 'POST',
    paths: Array.from({ length: WARM }, () => podsPath),
    bodies: Array.from({ length: WARM }, (_, i) => JSON.stringify(podBody(`${prefix}-${i}`))),
    perSecond: 2000,
    concurrency: 64,
  });
}
await pacedInProcess(WARM, 2000, (i) => pods.create(realisticPod(`warm-api-${i}`)));

// Creates over HTTP at 1,000/s, beside the same creates through the in-process Api at the same rate, and through
// the bare HTTP floor (Node's HTTP server, JSON and the same Api create, nothing of Kubernetes' protocol), and
// through the raw socket floor (the same without Node's HTTP server).
const ROUNDS = 20;
const perRound = CREATES / ROUNDS;
const bodiesOf = (prefix: string, round: number) =>
  Array.from({ length: perRound }, (_, i) => JSON.stringify(podBody(`${prefix}-${round * perRound + i}`)));
const postStaged = (target: string, staged: string) =>
  ask(client, {
    cmd: 'paced',
    url: target,
    method: 'POST',
    paths: Array.from({ length: perRound }, () => podsPath),
    bodies: { staged },
    perSecond: RATE,
    concurrency: 64,
  });
const createSides = await interleaved(
  ROUNDS,
  {
    http: () => postStaged(url, 'http'),
    api: (round) => pacedInProcess(perRound, RATE, (i) => pods.create(realisticPod(`api-${round * perRound + i}`))),
    floor: () => postStaged(floor.url, 'floor'),
    raw: () => postStaged(rawFloor.url, 'raw'),
  },
  async (round) => {
    for (const name of ['http', 'floor', 'raw'])
      await ask(client, { cmd: 'stage', name, bodies: bodiesOf(name, round) });
  },
);
const creates = { http: createSides.http!, api: createSides.api! };
const httpP99 = percentile(creates.http.latencies, 99);
rows.push(
  {
    figure: 'CreateHttp.perSec',
    value: (CREATES / creates.http.elapsedMs) * 1000,
    unit: 'req/s',
    target: `offered ${RATE}`,
  },
  { figure: 'CreateHttp.p50Ms', value: percentile(creates.http.latencies, 50), unit: 'ms' },
  { figure: 'CreateHttp.p99Ms', value: httpP99, unit: 'ms', target: '<= 50' },
  { figure: 'CreateHttp.p99VsTarget', value: httpP99 / 50, unit: 'ratio', target: '<= 1' },
  { figure: 'CreateHttp.failures', value: creates.http.failures, unit: 'count', target: '0' },
  { figure: 'CreateBareHttp.failures', value: createSides.floor!.failures, unit: 'count', target: '0' },
  { figure: 'CreateRawSocket.failures', value: createSides.raw!.failures, unit: 'count', target: '0' },
  { figure: 'CreateInProcess.p50Ms', value: percentile(creates.api.latencies, 50), unit: 'ms' },
  { figure: 'CreateInProcess.p99Ms', value: percentile(creates.api.latencies, 99), unit: 'ms' },
  ...costRows('Create', createSides, perRound, '<= 3'),
);

// Gets and lists over HTTP, beside the in-process Api, in rounds as well.
const getSides = await interleaved(ROUNDS, {
  http: (round) => {
    const paths = Array.from({ length: perRound }, (_, i) => `${podsPath}/http-${round * perRound + i}`);
    return ask(client, { cmd: 'paced', url, method: 'GET', paths, perSecond: RATE, concurrency: 64 });
  },
  api: (round) => pacedInProcess(perRound, RATE, (i) => pods.get('default', `http-${round * perRound + i}`)),
});
const LISTS = 300;
const LIST_ROUNDS = 10;
const listsPerRound = LISTS / LIST_ROUNDS;
const listSides = await interleaved(LIST_ROUNDS, {
  http: () => {
    const paths = Array.from({ length: listsPerRound }, () => `${podsPath}?limit=100`);
    return ask(client, { cmd: 'paced', url, method: 'GET', paths, perSecond: 100, concurrency: 16 });
  },
  api: () => pacedInProcess(listsPerRound, 100, () => pods.list({ namespace: 'default', limit: 100 })),
});
rows.push(
  { figure: 'GetHttp.p99Ms', value: percentile(getSides.http!.latencies, 99), unit: 'ms' },
  { figure: 'GetInProcess.p99Ms', value: percentile(getSides.api!.latencies, 99), unit: 'ms' },
  ...costRows('Get', getSides, perRound),
  { figure: 'List100Http.p99Ms', value: percentile(listSides.http!.latencies, 99), unit: 'ms' },
  { figure: 'List100InProcess.p99Ms', value: percentile(listSides.api!.latencies, 99), unit: 'ms' },
  ...costRows('List100', listSides, listsPerRound),
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
await floor.close();
await rawFloor.close();
await api.close();
await store.close();
rows.push({ figure: 'Machine.loadAverage1mAtEnd', value: loadavg()[0]!, unit: 'load' });
report('apiserver', rows);
