/**
 * `npm run bench -- scheduler [Workload]`: kube-scheduler's scheduler_perf
 * workloads on Flotilla's Scheduler. Workloads: SchedulingBasic,
 * PodAntiAffinity, TopologySpreading, Preemption, Simulate (all by default,
 * each in its own child process).
 *
 * The Api-connected workloads run the Scheduler with an Api on MemoryStore
 * and shared informers, creating nodes first, then pods, and count pods/s
 * from the first measured pod created to the last one bound. Per-pod
 * latency is the scheduling attempt duration, read from the Scheduler's own
 * `scheduler_scheduling_attempt_duration_seconds` histogram and interpolated
 * between buckets, as scheduler_perf reports it. Each workload also reports
 * pods per CPU-second of this process, which depends less on other load on
 * the machine than the wall-clock rate does.
 *
 * Beside each Api-connected workload, in the same process: its floor, the
 * same nodes and pods created through the same Api and informers and bound
 * round-robin as they appear, with no scheduling logic. `ofFloor` is the
 * scheduler's rate over the floor's (1 would mean scheduling costs nothing),
 * `cpuPerPodOverFloor` the CPU per pod over the floor's.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Api, InformerFactory, MemoryStore, type Node, type Pod, RealClock } from '@flotilla/core';
import { Registry } from 'prom-client';
import { Scheduler, simulate } from '../packages/scheduler/src/index.js';
import { type BenchRow, report } from './report.js';

/** The real clock with sub-millisecond readings, so attempt durations are not rounded to whole ms. */
class PreciseClock extends RealClock {
  override now(): number {
    return performance.timeOrigin + performance.now();
  }
}

const zones = ['zone-a', 'zone-b', 'zone-c'];

function node(i: number, cpu = '4'): Node {
  const name = `node-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zones[i % zones.length] },
    },
    spec: {},
    status: { allocatable: { cpu, memory: '32Gi', pods: 110 } },
  };
}

type PodShape = (pod: Pod) => void;

function pod(name: string, cpu: string, memory: string, shape?: PodShape): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory } } }],
    },
  };
  shape?.(p);
  return p;
}

const antiAffinity: PodShape = (p) => {
  p.metadata.labels = { color: 'green' };
  p.spec.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  };
};

const topologySpread: PodShape = (p) => {
  p.metadata.labels = { color: 'blue' };
  p.spec.topologySpreadConstraints = [
    {
      maxSkew: 5,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { color: 'blue' } },
    },
  ];
};

/** Percentile from a prom-client histogram, interpolated within its bucket (Prometheus' histogram_quantile). */
async function histogramQuantile(registry: Registry, q: number): Promise<number> {
  const metric = await registry.getSingleMetric('scheduler_scheduling_attempt_duration_seconds')!.get();
  const buckets = new Map<number, number>();
  for (const v of metric.values) {
    if (!(v as { metricName?: string }).metricName?.endsWith('_bucket') || v.labels.result !== 'scheduled') continue;
    const le = v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + v.value);
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1]?.[1] ?? 0;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe * 1000;
      return (prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(count - prevCount, 1)) * 1000;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe * 1000;
}

interface ApiWorkload {
  name: string;
  nodes: number;
  nodeCpu?: string;
  /** Pods scheduled before measuring (not counted). */
  initPods: (i: number) => Pod;
  initCount: number;
  measuredPods: (i: number) => Pod;
  measuredCount: number;
  /** Stands in for node agents: deletes pods marked for deletion (preemption victims). */
  reapTerminating?: boolean;
  target: number;
}

/** One timed pass of a workload, by the Scheduler or by the round-robin floor binder. */
interface Pass {
  seconds: number;
  cpu: number;
  p50: number;
  p99: number;
}

/**
 * The floor's binder: binds every new unbound pod to the next node in turn,
 * through the same Api, as soon as the pod informer shows it.
 */
function bindRoundRobin(api: Api, informers: InformerFactory, nodes: number): { stop(): void } {
  let next = 0;
  const sub = informers.for<Pod>('Pod').events$.subscribe((e) => {
    if (e.type !== 'added' || e.object.spec.nodeName) return;
    const target = { namespace: e.object.metadata.namespace ?? 'default', name: e.object.metadata.name };
    void api.bindPod(target, `node-${next++ % nodes}`);
  });
  return { stop: () => sub.unsubscribe() };
}

async function runPass(w: ApiWorkload, binder: 'scheduler' | 'floor'): Promise<Pass> {
  const clock = new PreciseClock();
  const store = new MemoryStore({ historyLimit: 200_000 });
  const api = new Api({ store, clock });
  const informers = new InformerFactory(api, { clock });
  const metrics = new Registry();
  const podsClient = api.resource('Pod');
  for (let i = 0; i < w.nodes; i++) await api.resource('Node').create(node(i, w.nodeCpu));
  const abort = new AbortController();
  let running: Promise<void>;
  if (binder === 'scheduler') {
    running = new Scheduler({ api, informers, clock, metrics, seed: 1 }).run(abort.signal);
  } else {
    const floor = bindRoundRobin(api, informers, w.nodes);
    informers.start(abort.signal);
    running = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(floor.stop())));
  }
  const podInformer = informers.for<Pod>('Pod');
  let bound = 0;
  let waiter: (() => void) | undefined;
  let want = 0;
  const sub = podInformer.events$.subscribe((e) => {
    if (e.type === 'updated' && e.object.spec.nodeName && !e.oldObject?.spec.nodeName) {
      bound++;
      if (bound >= want) waiter?.();
    }
    if (w.reapTerminating && e.object.metadata.deletionTimestamp && e.type === 'updated') {
      void podsClient.delete('default', e.object.metadata.name, { gracePeriodSeconds: 0 }).catch(() => {});
    }
  });
  const allBound = (n: number) =>
    new Promise<void>((resolve) => {
      want = n;
      waiter = resolve;
      if (bound >= n) resolve();
    });
  await informers.waitForSync();
  for (let i = 0; i < w.initCount; i++) await podsClient.create(w.initPods(i));
  await allBound(w.initCount);
  await metrics.resetMetrics();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const before = bound;
  for (let i = 0; i < w.measuredCount; i++) await podsClient.create(w.measuredPods(i));
  await allBound(before + w.measuredCount);
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSecondsSince(cpuStart);
  const p50 = binder === 'scheduler' ? await histogramQuantile(metrics, 0.5) : 0;
  const p99 = binder === 'scheduler' ? await histogramQuantile(metrics, 0.99) : 0;
  sub.unsubscribe();
  abort.abort();
  await running;
  await api.close();
  console.log(`${w.name} (${binder}): ${w.measuredCount} pods on ${w.nodes} nodes in ${seconds.toFixed(2)} s`);
  return { seconds, cpu, p50, p99 };
}

async function runApiWorkload(w: ApiWorkload): Promise<BenchRow[]> {
  const floor = await runPass(w, 'floor');
  const sched = await runPass(w, 'scheduler');
  const podsPerSec = w.measuredCount / sched.seconds;
  const floorPodsPerSec = w.measuredCount / floor.seconds;
  return [
    { figure: `${w.name}.podsPerSec`, value: podsPerSec, unit: 'pods/s', target: `>= ${w.target}` },
    { figure: `${w.name}.floorPodsPerSec`, value: floorPodsPerSec, unit: 'pods/s' },
    { figure: `${w.name}.ofFloor`, value: podsPerSec / floorPodsPerSec, unit: 'ratio' },
    { figure: `${w.name}.p50Ms`, value: sched.p50, unit: 'ms' },
    { figure: `${w.name}.p99Ms`, value: sched.p99, unit: 'ms' },
    { figure: `${w.name}.podsPerCpuSec`, value: w.measuredCount / sched.cpu, unit: 'pods/cpu-s' },
    { figure: `${w.name}.cpuPerPodOverFloor`, value: sched.cpu / floor.cpu, unit: 'ratio' },
  ];
}

/**
 * CPU seconds this process used since `start` (all its threads). Pods per
 * CPU-second is the figure to compare across runs on a shared, loaded
 * machine, where wall-clock rates depend on what else runs.
 */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

const workloads: Record<string, () => Promise<BenchRow[]>> = {
  SchedulingBasic: () =>
    runApiWorkload({
      name: 'SchedulingBasic',
      nodes: 5000,
      initPods: () => pod('unused', '100m', '500Mi'),
      initCount: 0,
      measuredPods: (i) => pod(`basic-${i}`, '100m', '500Mi'),
      measuredCount: 10_000,
      target: 1500,
    }),
  PodAntiAffinity: () =>
    runApiWorkload({
      name: 'PodAntiAffinity',
      nodes: 5000,
      initPods: (i) => pod(`anti-init-${i}`, '100m', '500Mi', antiAffinity),
      initCount: 1000,
      measuredPods: (i) => pod(`anti-${i}`, '100m', '500Mi', antiAffinity),
      measuredCount: 1000,
      target: 300,
    }),
  TopologySpreading: () =>
    runApiWorkload({
      name: 'TopologySpreading',
      nodes: 5000,
      initPods: (i) => pod(`spread-init-${i}`, '100m', '500Mi'),
      initCount: 1000,
      measuredPods: (i) => pod(`spread-${i}`, '100m', '500Mi', topologySpread),
      measuredCount: 1000,
      target: 500,
    }),
  Preemption: () =>
    runApiWorkload({
      name: 'Preemption',
      nodes: 500,
      initPods: (i) =>
        pod(`low-${i}`, '900m', '500Mi', (p) => {
          p.spec.priority = 0;
        }),
      initCount: 2000,
      measuredPods: (i) =>
        pod(`high-${i}`, '3', '500Mi', (p) => {
          p.spec.priority = 10;
        }),
      measuredCount: 500,
      reapTerminating: true,
      target: 100,
    }),
  Simulate: async () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => node(i));
    const pods = Array.from({ length: 10_000 }, (_, i) => pod(`sim-${i}`, '100m', '500Mi'));
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const r = await simulate({ nodes, pods, seed: 1 });
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSecondsSince(cpuStart);
    console.log(
      `Simulate: ${r.placements.length} placed, ${r.unschedulable.length} unschedulable in ${seconds.toFixed(2)} s`,
    );
    return [
      { figure: 'Simulate.podsPerSec', value: pods.length / seconds, unit: 'pods/s' },
      { figure: 'Simulate.podsPerCpuSec', value: pods.length / cpu, unit: 'pods/cpu-s' },
    ];
  },
};

/** Marks a child run: it prints its rows as JSON instead of the report. */
const ROWS_FLAG = '--rows-json';

/**
 * Runs one workload in a child process and returns its rows: each workload
 * gets a fresh heap, so one workload's garbage does not slow the next.
 */
function runIsolated(name: string): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, ROWS_FLAG], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = out.trim().split('\n');
      if (code !== 0) reject(new Error(`workload ${name} exited with ${code}`));
      else {
        for (const line of lines.slice(0, -1)) console.log(line);
        resolve(JSON.parse(lines[lines.length - 1]) as BenchRow[]);
      }
    });
  });
}

const [selected, mode] = process.argv.slice(2);
if (selected && !workloads[selected]) {
  console.error(`unknown workload ${selected}; one of: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
if (selected && mode === ROWS_FLAG) {
  console.log(JSON.stringify(await workloads[selected]()));
} else {
  const rows: BenchRow[] = [];
  for (const name of Object.keys(workloads)) {
    if (selected && name !== selected) continue;
    rows.push(...(selected ? await workloads[name]() : await runIsolated(name)));
  }
  report('scheduler', rows);
}
