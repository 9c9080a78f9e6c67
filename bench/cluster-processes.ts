/**
 * `npm run bench -- cluster-processes [replicas] [nodes] [batchMs] [splits]`:
 * the cluster bench's Deployment of 10,000 replicas (default) on 100 nodes,
 * run first in one process, then split over two: the parent keeps the
 * MemoryStore, the Api and an ApiServer on loopback plus one component
 * group; a child process (`component-process.ts`) runs the other group on a
 * RemoteApi. `splits` lists the groups to move to the child, comma-separated
 * (default `scheduler+nodes,controllers`: both splits, one after the other).
 *
 * Same components and settings in every run (cluster-sections/component-groups.ts);
 * only where they run changes. The figure is the speed-up over one process,
 * beside what the machine lends it: CPU seconds per process and CPU
 * utilisation (process CPU / wall / cores), and the speed-up the split would
 * reach were both processes CPU-bound on idle cores (one-process CPU seconds
 * over the busier process's), which a loaded machine does not move.
 * `CLUSTER_PROCESSES_PROFILE=1` adds the parent's CPU by component per run;
 * `CLUSTER_PROCESSES_TIMEOUT_MS` bounds each run (default 180 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiServer } from '@flotilla/apiserver';
import { Api, InformerFactory, MemoryStore, type Node, type Pod, RealClock, silentLogger } from '@flotilla/core';
import { benchDeployment } from './cluster-sections/bench-deployment.js';
import {
  type ComponentGroup,
  componentGroups,
  type GroupSettings,
  startGroup,
} from './cluster-sections/component-groups.js';
import type { FromChild, ToChild } from './cluster-sections/component-process.js';
import { printCpuByComponent, profileCpu } from './cluster-sections/cpu-by-component.js';
import { type BenchRow, report } from './report.js';

const replicas = Number(process.argv[2] ?? 10_000);
const nodeCount = Number(process.argv[3] ?? 100);
const batchPeriodMs = Number(process.argv[4] ?? 100);
const splits = (process.argv[5] ?? 'scheduler+nodes,controllers').split(',') as ComponentGroup[];
for (const s of splits) {
  if (!componentGroups.includes(s))
    throw new Error(`splits: unknown group ${s}; choose from ${componentGroups.join(', ')}`);
}
// Per run: a run that has not finished by then is reported with its pods not ready (a stall), and the bench goes on.
// CLUSTER_PROCESSES_PROFILE=1: the parent's CPU by component for each run (the profiler's own cost lands in the parent).
const profile = process.env.CLUSTER_PROCESSES_PROFILE === '1';
const timeoutMs = Number(process.env.CLUSTER_PROCESSES_TIMEOUT_MS ?? 180_000);
const cores = cpus().length;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');

/** One run's measurements, from the apply to every pod Running and Ready. */
interface RunFigures {
  seconds: number;
  mainCpuSeconds: number;
  childCpuSeconds: number;
  load: number;
  /** Pods not Running and Ready when the run ended: 0 unless it timed out. */
  notReady: number;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/** The child process running one group over a RemoteApi, reached through its IPC channel. */
class ChildGroup {
  private constructor(private readonly child: ChildProcess) {}

  static async start(group: ComponentGroup, url: string): Promise<ChildGroup> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, 'cluster-sections/component-process.ts'),
        group,
        url,
        String(nodeCount),
        String(batchPeriodMs),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    process.once('exit', () => child.kill('SIGKILL'));
    const started = new ChildGroup(child);
    await started.next('ready');
    return started;
  }

  /** The next message of `type`; rejects if the child exits first. */
  private next<T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== type) return;
        this.child.off('exit', onExit);
        this.child.off('message', onMessage);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the component process exited (${code}) before '${type}'`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  /** The child's `process.cpuUsage()`. */
  async cpuUsage(): Promise<NodeJS.CpuUsage> {
    const reply = this.next('cpu');
    this.child.send({ type: 'cpu' } satisfies ToChild);
    return (await reply).usage;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ToChild);
    await exited;
  }
}

/** Resolves once `done()` holds, checked after every event of `informer`; rejects after the bench's timeout. */
function until(
  informer: { events$: { subscribe(next: () => void): { unsubscribe(): void } } },
  done: () => boolean,
  what: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what()}`));
    }, timeoutMs);
    const sub = informer.events$.subscribe(() => {
      if (!done()) return;
      clearTimeout(timer);
      sub.unsubscribe();
      resolve();
    });
  });
}

/** `Running 494, Pending (unscheduled) 6`: where the pods stand, for a timeout's message. */
function phases(list: readonly Readonly<Pod>[]): string {
  const counts = new Map<string, number>();
  for (const p of list) {
    const key = `${p.status?.phase ?? 'none'}${p.spec.nodeName ? '' : ' (unscheduled)'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

const isRunningAndReady = (p: Readonly<Pod>) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** The Deployment run with every group in this process (`remote` absent) or with `remote` in a child process. */
async function runCluster(remote?: ComponentGroup): Promise<RunFigures> {
  const clock = new RealClock();
  const store = new MemoryStore({ historyLimit: 200_000 });
  const api = new Api({ store, clock });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const settings: GroupSettings = { nodes: nodeCount, batchPeriodMs, clock, logger: silentLogger() };
  let server: ApiServer | undefined;
  let child: ChildGroup | undefined;
  if (remote) {
    server = new ApiServer({ api });
    const { url } = await server.listen({ port: 0 });
    child = await ChildGroup.start(remote, url);
  }
  for (const group of componentGroups) if (group !== remote) await startGroup(group, api, settings, abort.signal);

  // The bench's own view, as a client would see the cluster.
  const informers = new InformerFactory(api);
  const nodes = informers.for<Node>('Node');
  const pods = informers.for<Pod>('Pod');
  informers.start(abort.signal);
  await Promise.all([nodes.synced, pods.synced]);
  const nodesRegistered = () => nodes.cache.list().length === nodeCount;
  if (!nodesRegistered()) await until(nodes, nodesRegistered, () => `${nodeCount} nodes`);

  const ready = new Set<string>();
  pods.events$.subscribe(({ type, object }) => {
    if (type !== 'deleted' && isRunningAndReady(object)) ready.add(object.metadata.name);
    else ready.delete(object.metadata.name);
  });
  const allReady = until(
    pods,
    () => ready.size === replicas,
    () => `${replicas} pods Running and Ready (${ready.size} are; phases: ${phases(pods.cache.list())})`,
  );
  const childBefore = await child?.cpuUsage();
  const profiler = profile ? await profileCpu() : undefined;
  const mainBefore = process.cpuUsage();
  const started = clock.now();
  await api.apply(benchDeployment(replicas));
  const progress = setInterval(
    () =>
      console.log(`  ${((clock.now() - started) / 1000).toFixed(0).padStart(4)} s: ${ready.size} running and ready`),
    5000,
  );
  await allReady.catch((err: Error) => console.log(`STALLED: ${err.message}`)).finally(() => clearInterval(progress));
  const seconds = (clock.now() - started) / 1000;
  const mainCpuSeconds = cpuSeconds(process.cpuUsage(mainBefore));
  if (profiler) printCpuByComponent(await profiler.stop(), mainCpuSeconds);
  const childAfter = await child?.cpuUsage();
  const childCpuSeconds = childBefore && childAfter ? cpuSeconds(childAfter) - cpuSeconds(childBefore) : 0;
  const load = loadavg()[0] ?? 0;

  await child?.stop();
  abort.abort();
  await server?.stop();
  await api.close();
  await store.close();
  return { seconds, mainCpuSeconds, childCpuSeconds, load, notReady: replicas - ready.size };
}

const describe = (name: string, r: RunFigures) =>
  `${name}: ${(replicas / r.seconds).toFixed(0)} pods/s, ${r.seconds.toFixed(1)} s wall, CPU ${r.mainCpuSeconds.toFixed(1)} s main + ${r.childCpuSeconds.toFixed(1)} s child, load ${r.load.toFixed(1)}${r.notReady ? `, STALLED with ${r.notReady} pods not ready` : ''}`;

console.log(
  `${replicas} replicas on ${nodeCount} nodes, ${cores} cores, load average ${loadavg()[0]?.toFixed(1)} at the start`,
);
const one = await runCluster();
console.log(describe('one process', one));
const rows: BenchRow[] = [
  { figure: 'OneProcess.podsPerSec', value: replicas / one.seconds, unit: 'pods/s' },
  { figure: 'OneProcess.seconds', value: one.seconds, unit: 's' },
  { figure: 'OneProcess.cpuSeconds', value: one.mainCpuSeconds, unit: 's' },
  { figure: 'OneProcess.cpuUtilisation', value: one.mainCpuSeconds / one.seconds / cores, unit: `of ${cores} cores` },
  { figure: 'OneProcess.loadAverage', value: one.load, unit: '1 min' },
  { figure: 'OneProcess.podsNotReady', value: one.notReady, unit: 'pods', target: '0' },
];
for (const split of splits) {
  const two = await runCluster(split);
  const name = `TwoProcesses.${split === 'controllers' ? 'controllersInChild' : 'schedulerAndNodesInChild'}`;
  console.log(describe(`two processes, ${split} in the child`, two));
  const total = two.mainCpuSeconds + two.childCpuSeconds;
  rows.push(
    { figure: `${name}.podsPerSec`, value: replicas / two.seconds, unit: 'pods/s' },
    { figure: `${name}.seconds`, value: two.seconds, unit: 's' },
    { figure: `${name}.speedUp`, value: one.seconds / two.seconds, unit: 'x', target: '>= 1.6 (idle machine)' },
    { figure: `${name}.mainCpuSeconds`, value: two.mainCpuSeconds, unit: 's' },
    { figure: `${name}.childCpuSeconds`, value: two.childCpuSeconds, unit: 's' },
    { figure: `${name}.cpuOfOneProcess`, value: total / one.mainCpuSeconds, unit: 'ratio', target: '(HTTP overhead)' },
    { figure: `${name}.cpuUtilisation`, value: total / two.seconds / cores, unit: `of ${cores} cores` },
    {
      figure: `${name}.cpuBoundSpeedUp`,
      value: one.mainCpuSeconds / Math.max(two.mainCpuSeconds, two.childCpuSeconds),
      unit: 'x',
      target: '>= 1.6',
    },
    { figure: `${name}.loadAverage`, value: two.load, unit: '1 min' },
    { figure: `${name}.podsNotReady`, value: two.notReady, unit: 'pods', target: '0' },
  );
}
report('cluster-processes', rows);
