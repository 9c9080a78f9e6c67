/**
 * `npm run bench -- cluster [replicas] [nodes] [batchMs]`: one Deployment of
 * 10,000 replicas (default) in the full in-process stack of
 * examples/local-cluster: Api on MemoryStore, the controller-manager preset,
 * the Scheduler and 100 simulated nodes (NodeAgent + FakeRuntime each), on
 * the real clock. The figure is pods per second from the apply to the moment
 * every pod is Running and Ready (read from the pod informer, as a client
 * would see it), stated beside its floor measured first in the same process:
 * the Api's raw write rate divided by the store writes each pod cost the
 * cluster (counted). Also: CPU seconds (process, and per component from a
 * sampling profile), reconciles per pod per controller, SLO probes.
 *
 * Then, unless `ENVELOPE_SCALE=0`, the envelope workload of
 * cluster-sections/envelope.ts at `ENVELOPE_SCALE` (default 0.1: 500 nodes,
 * 15,000 pods, which finishes in minutes; 1 is the full 5,000 nodes and
 * 150,000 pods, which does not complete in one process yet). `replicas` 0
 * runs the envelope alone.
 */
import { setMaxListeners } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { type Pod, RealClock, silentLogger } from '@flotilla/core';
import { Registry } from 'prom-client';
import { LocalCluster } from '../examples/local-cluster/cluster.js';
import { benchDeployment } from './cluster-sections/bench-deployment.js';
import { printCpuByComponent, profileCpu } from './cluster-sections/cpu-by-component.js';
import { runEnvelope } from './cluster-sections/envelope.js';
import { probeRows, startLatencyProbe } from './cluster-sections/latency-probe.js';
import { heapAfterGc } from './cluster-sections/memory.js';
import { printReconcilesPerPod, reconcilesByController } from './cluster-sections/reconciles.js';
import { CountingMemoryStore, rawApiWriteRate } from './cluster-sections/write-floor.js';
import { type BenchRow, report } from './report.js';

const replicas = Number(process.argv[2] ?? 10_000);
const nodeCount = Number(process.argv[3] ?? 100);
const batchPeriodMs = Number(process.argv[4] ?? 100);
const envelopeScale = Number(process.env.ENVELOPE_SCALE ?? 0.1);
const timeoutMs = 900_000;
const clock = new RealClock();

const isRunningAndReady = (p: Readonly<Pod>) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** The 10,000-replica Deployment run; returns its report rows (prefixed `Deployment10k`). */
async function deploymentRun(): Promise<BenchRow[]> {
  const floor = await rawApiWriteRate();
  console.log(
    `floor: the Api alone writes ${Math.round(floor.writesPerSec)} writes/s (${floor.cpuUsPerWrite.toFixed(1)} us CPU each)`,
  );

  const store = new CountingMemoryStore({ historyLimit: 200_000 }, 'pods');
  const metrics = new Registry();
  const cluster = await LocalCluster.start({
    store,
    metrics,
    nodes: nodeCount,
    logger: silentLogger(),
    clock,
    loopbackNet: 3,
    // Throughput of the components themselves, as in earlier runs; recording managedFields costs what
    // docs/benchmarks.md records (tenth session).
    managedFields: false,
    // Kubernetes' own reporting periods: the benchmark measures pod throughput, not failure detection.
    timings: {
      nodeStatusIntervalMs: 60_000,
      metricsIntervalMs: 15_000,
      nodeGracePeriodMs: 50_000,
      nodeMonitorPeriodMs: 5000,
      workloadBatchPeriodMs: batchPeriodMs,
      hpaSyncPeriodMs: 15_000,
    },
  });

  const created = new Set<string>();
  const ready = new Set<string>();
  const scheduled = new Set<string>();
  let firstScheduledAt = 0;
  let allScheduledAt = 0;
  let allReadyAt = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const podInformer = cluster.manager.informers.for<Pod>('Pod');
  podInformer.events$.subscribe((e) => {
    const p = e.object;
    const key = p.metadata.name;
    if (e.type === 'deleted') {
      ready.delete(key);
      return;
    }
    created.add(key);
    if (p.spec.nodeName && !scheduled.has(key)) {
      scheduled.add(key);
      if (scheduled.size === 1) firstScheduledAt = clock.now();
      if (scheduled.size === replicas) allScheduledAt = clock.now();
    }
    if (isRunningAndReady(p)) ready.add(key);
    else ready.delete(key);
    if (ready.size === replicas && !allReadyAt) {
      allReadyAt = clock.now();
      resolveDone();
    }
  });

  const probe = await startLatencyProbe(cluster.api, store, podInformer);
  const writesBefore = store.total;
  const writesByKindBefore = new Map(store.writes);
  const heapBefore = heapAfterGc().heapUsed;
  const profiler = await profileCpu();
  const cpuBefore = process.cpuUsage();
  const started = clock.now();
  await cluster.api.apply(benchDeployment(replicas));
  const progress = setInterval(() => {
    console.log(
      `  ${((clock.now() - started) / 1000).toFixed(0).padStart(4)} s: ${created.size} created, ${scheduled.size} scheduled, ${ready.size} running and ready`,
    );
  }, 1000);
  const timeout = new AbortController();
  setMaxListeners(10, timeout.signal);
  await Promise.race([
    done,
    clock.sleep(timeoutMs, timeout.signal).then(() => {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s: ${scheduled.size} scheduled, ${ready.size} ready of ${replicas}`,
      );
    }),
  ]);
  timeout.abort();
  clearInterval(progress);
  const cpu = process.cpuUsage(cpuBefore);
  const byComponent = await profiler.stop();
  const latency = probe.stop();
  const seconds = (allReadyAt - started) / 1000;
  const heapAfter = heapAfterGc().heapUsed;
  const load = loadavg()[0];
  const writes = store.total - writesBefore;
  const reconciles = await reconcilesByController(metrics);
  await cluster.stop();
  await store.close();

  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const writesPerPod = writes / replicas;
  const floorPodsPerSec = floor.writesPerSec / writesPerPod;
  console.log(
    `${replicas} replicas on ${nodeCount} nodes, ${cpus().length} cores, load average ${load.toFixed(1)} at the end`,
  );
  console.log(
    `store writes per pod: ${writesPerPod.toFixed(2)} (${[...store.writes]
      .map(([k, n]) => [k, n - (writesByKindBefore.get(k) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / replicas).toFixed(2)}`)
      .join(', ')})`,
  );
  printReconcilesPerPod(reconciles, replicas);
  printCpuByComponent(byComponent, cpuSeconds);
  const rows: BenchRow[] = [
    { figure: 'Deployment10k.seconds', value: seconds, unit: 's' },
    { figure: 'Deployment10k.podsPerSec', value: replicas / seconds, unit: 'pods/s', target: '(machine-bound)' },
    { figure: 'Deployment10k.floorWritesPerSec', value: floor.writesPerSec, unit: 'writes/s' },
    { figure: 'Deployment10k.storeWritesPerPod', value: writesPerPod, unit: 'writes' },
    { figure: 'Deployment10k.floorPodsPerSec', value: floorPodsPerSec, unit: 'pods/s' },
    { figure: 'Deployment10k.podsPerSecOfFloor', value: replicas / seconds / floorPodsPerSec, unit: 'ratio' },
    { figure: 'Deployment10k.cpuSeconds', value: cpuSeconds, unit: 's' },
    { figure: 'Deployment10k.cpuUtilisation', value: cpuSeconds / seconds, unit: 'cores' },
    { figure: 'Deployment10k.cpuMsPerPod', value: (cpuSeconds * 1000) / replicas, unit: 'ms' },
    { figure: 'Deployment10k.firstBindMs', value: firstScheduledAt - started, unit: 'ms' },
    { figure: 'Deployment10k.allScheduledSeconds', value: (allScheduledAt - started) / 1000, unit: 's' },
    { figure: 'Deployment10k.heapGrowthMiB', value: (heapAfter - heapBefore) / 1024 / 1024, unit: 'MiB' },
    ...probeRows('Deployment10k', latency),
  ];
  for (const [controller, n] of reconciles) {
    rows.push({
      figure: `Deployment10k.reconcilesPerPod.${controller}`,
      value: n / replicas,
      unit: 'per pod',
      target: ['taint-eviction-controller', 'garbagecollector'].includes(controller) ? '0 (no work)' : undefined,
    });
  }
  console.log(
    `Deployment10k: ${(replicas / seconds).toFixed(0)} pods/s, ${((replicas / seconds / floorPodsPerSec) * 100).toFixed(1)} % of its floor (${floorPodsPerSec.toFixed(0)} pods/s)`,
  );
  return rows;
}

const rows = replicas > 0 ? await deploymentRun() : [];
if (envelopeScale > 0) rows.push(...(await runEnvelope(envelopeScale)));
report('cluster', rows);
