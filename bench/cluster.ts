/**
 * `npm run bench -- cluster [replicas] [nodes]`: one Deployment of 10,000
 * replicas (default) in the full in-process stack of examples/local-cluster:
 * Api on MemoryStore, the controller-manager preset, the Scheduler and 100
 * simulated nodes (NodeAgent + FakeRuntime each), on the real clock. The
 * figure is pods per second from the apply to the moment every pod is
 * Running and Ready (read from the pod informer, as a client would see it).
 */
import { setMaxListeners } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { MemoryStore, type Pod, RealClock, silentLogger } from '@flotilla/core';
import { Registry } from 'prom-client';
import { LocalCluster } from '../examples/local-cluster/cluster.js';
import { report } from './report.js';

const replicas = Number(process.argv[2] ?? 10_000);
const nodeCount = Number(process.argv[3] ?? 100);
const batchPeriodMs = Number(process.argv[4] ?? 100);
const timeoutMs = 900_000;
const clock = new RealClock();

const isRunningAndReady = (p: Readonly<Pod>) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

const store = new MemoryStore({ historyLimit: 200_000 });
const metrics = new Registry();
const cluster = await LocalCluster.start({
  store,
  metrics,
  nodes: nodeCount,
  logger: silentLogger(),
  clock,
  loopbackNet: 3,
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
cluster.manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
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

const heapBefore = process.memoryUsage().heapUsed;
const started = clock.now();
await cluster.api.apply({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bench', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'bench' } },
    template: {
      metadata: { labels: { app: 'bench' } },
      spec: {
        containers: [{ name: 'app', image: 'bench/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
      },
    },
  },
});
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
const seconds = (allReadyAt - started) / 1000;
const heapAfter = process.memoryUsage().heapUsed;
const load = loadavg()[0];
const reconciles = new Map<string, number>();
for (const v of (await metrics.getSingleMetric('controller_runtime_reconcile_total')?.get())?.values ?? []) {
  const name = String(v.labels.controller);
  reconciles.set(name, (reconciles.get(name) ?? 0) + v.value);
}
await cluster.stop();
await store.close();

console.log(
  `${replicas} replicas on ${nodeCount} nodes, ${cpus().length} cores, load average ${load.toFixed(1)} at the end`,
);
console.log(
  `reconciles: ${[...reconciles]
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')}`,
);
report('cluster', [
  { figure: 'Deployment10k.seconds', value: seconds, unit: 's' },
  { figure: 'Deployment10k.podsPerSec', value: replicas / seconds, unit: 'pods/s', target: '>= 1000' },
  { figure: 'Deployment10k.firstBindMs', value: firstScheduledAt - started, unit: 'ms' },
  { figure: 'Deployment10k.allScheduledSeconds', value: (allScheduledAt - started) / 1000, unit: 's' },
  { figure: 'Deployment10k.heapMiB', value: (heapAfter - heapBefore) / 1024 / 1024, unit: 'MiB' },
]);
