/**
 * Kubernetes' scalability envelope in one process on MemoryStore, at
 * `scale` (1: 5,000 nodes, 1,000 Deployments x 140 replicas + 2 DaemonSets =
 * 150,000 pods, 10,000 Services): NodeAgents on FakeRuntime (Lease every
 * 10 s; Node status checked every 10 s and written when it changed or every
 * 5 minutes, as the kubelet's nodeStatusReportFrequency; PLEG relist below),
 * the whole controller-manager preset on Kubernetes' timings, the Scheduler,
 * and a proxier generating the nftables ruleset (text, not loaded) from the
 * Service and EndpointSlice caches every 5 s. 1 Service in 10 selects a
 * Deployment's pods (140 endpoints each); the others select none (an empty
 * EndpointSlice each), which keeps the endpoint count at the Deployments'
 * pods instead of ten times them.
 *
 * Measures: pods/s from the first Deployment to every pod Running and Ready;
 * the SLO probes; whether the lifecycle controller ever marked a node not
 * Ready; RSS and heap (after a full GC) per node and per pod; CPU by
 * component; the proxier's generation time.
 */
import { setMaxListeners } from 'node:events';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { controllerRegistrations, startControllerManager } from '@flotilla/controllers';
import {
  Api,
  type EndpointSlice,
  Manager,
  type Node,
  type Pod,
  RealClock,
  type Service,
  silentLogger,
} from '@flotilla/core';
import { type NftablesState, nftablesRules } from '@flotilla/netproxy';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';
import { Registry } from 'prom-client';
import type { BenchRow } from '../report.js';
import { printCpuByComponent, profileCpu } from './cpu-by-component.js';
import { probeRows, startLatencyProbe } from './latency-probe.js';
import { describeRss, heapAfterGc } from './memory.js';
import { printReconcilesPerPod, reconcilesByController } from './reconciles.js';
import { CountingMemoryStore, rawApiWriteRate } from './write-floor.js';

const replicasPerDeployment = 140;
const daemonSets = 2;
const image = 'bench/app:1';
const requests = { cpu: '10m', memory: '16Mi' };

const isRunningAndReady = (p: Readonly<Pod>) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** The node's pod range and address: 10.<i / 256>.<i % 256>.0/24 and 172.16.x.y, valid for 65,536 nodes. */
const podCIDR = (i: number) => `10.${i >> 8}.${i & 255}.0/24`;
const hostIP = (i: number) => `172.16.${i >> 8}.${i & 255}`;

/**
 * Service links are off (`enableServiceLinks: false`) unless
 * ENVELOPE_SERVICE_LINKS=1: with them, every pod start lists the
 * namespace's Services through the Api (a deep copy of each) to build the
 * `<SVC>_SERVICE_HOST` variables, which at 1,000 Services in the pods'
 * namespace took the scale-0.1 run past 2 GiB of RSS by 1,300 pods.
 */
const serviceLinks = process.env.ENVELOPE_SERVICE_LINKS === '1';

/**
 * `--endpoint-updates-batch-period` and `--endpointslice-updates-batch-period`: Kubernetes' own 5,000-node
 * tests run the Endpoints controller at 500 ms (kubernetes/test-infra#22446), so a service whose pods become
 * ready one by one is written once per period instead of once per pod. ENVELOPE_ENDPOINT_BATCH_MS=0 turns it off.
 */
const endpointBatchMs = Number(process.env.ENVELOPE_ENDPOINT_BATCH_MS ?? 500);

/**
 * The agents' PLEG relist period. FakeRuntime pushes every container change as an event, which wakes the pod's
 * worker at once, so the periodic relist is the safety net of the kubelet's Evented PLEG, which relists every 300 s
 * (`eventedPlegRelistPeriod`) instead of every second. At 1 s the relists of all running containers cost the agents
 * ~4.7 us per running pod per second (6.8 against 2.1 us in all, 4,000 pods on 40 agents), work that grows with
 * the pods already running and the length of the run. ENVELOPE_RELIST_MS=1000 gives the generic PLEG's period.
 */
const relistIntervalMs = Number(process.env.ENVELOPE_RELIST_MS ?? 300_000);
const batchedEndpoints = controllerRegistrations.map((r) =>
  r.name === 'endpoint' || r.name === 'endpointslice'
    ? {
        ...r,
        register: (...[manager, opts]: Parameters<typeof r.register>) =>
          r.register(manager, { ...opts, batchPeriodMs: endpointBatchMs }),
      }
    : r,
);

function podTemplate(app: string) {
  return {
    metadata: { labels: { app } },
    spec: { enableServiceLinks: serviceLinks, containers: [{ name: 'app', image, resources: { requests } }] },
  };
}

/**
 * V8's heap growing factor for the run, in percent over the live heap (`--heap-growing-percent`). By default
 * V8 lets the heap grow to 2-4x what survived a full collection before the next one, so the committed heap
 * (and the RSS) was about twice the live heap (947 MiB for 484 live at scale 0.2). At 25 % it was 746 MiB for
 * 481 live, the peak RSS 910 instead of 1,208 MiB, for the same CPU (181 against 180 s; the collector's share
 * 15.9 against 14.1 %). ENVELOPE_HEAP_GROWING_PERCENT=0 leaves V8's own factor.
 */
const heapGrowingPercent = Number(process.env.ENVELOPE_HEAP_GROWING_PERCENT ?? 25);

/** Runs the envelope at `scale`; returns its report rows (prefixed `Envelope`). */
export async function runEnvelope(scale: number): Promise<BenchRow[]> {
  // V8 reads the factor at each full collection, so setting it now governs the whole run.
  if (heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  // The floor, first and in the same process: the Api alone, writing as fast as it can.
  const floor = await rawApiWriteRate();
  const baseline = heapAfterGc();
  let store: CountingMemoryStore | undefined = new CountingMemoryStore({ historyLimit, historyBytes }, 'pods');
  const rows = await runCluster(scale, store, baseline);
  // Only the store is left reachable now: what it holds (objects and watch history) is the difference to an empty heap.
  const withStoreOnly = heapAfterGc();
  const historyWrites = Math.min(historyLimit, Number(await store.currentRevision()));
  await store.close();
  store = undefined;
  const storeBytes = withStoreOnly.heapUsed - heapAfterGc().heapUsed;
  const figure = (name: string) => rows.find((r) => r.figure === `Envelope.${name}`)?.value ?? 0;
  const pods = figure('pods');
  // The cluster can go no faster than the Api's raw write rate over the writes each pod took (all kinds counted).
  const floorPodsPerSec = floor.writesPerSec / figure('storeWritesPerPod');
  console.log(
    `floor: the Api alone writes ${Math.round(floor.writesPerSec)} writes/s; at ${figure('storeWritesPerPod').toFixed(1)} writes per pod ` +
      `that is ${floorPodsPerSec.toFixed(0)} pods/s, and the envelope ran at ${((figure('podsPerSec') / floorPodsPerSec) * 100).toFixed(1)} % of it`,
  );
  const mib = (n: number) => n / 2 ** 20;
  const restMiB = figure('heapMiB') - mib(baseline.heapUsed) - figure('heapMiB.nodeAgents') - mib(storeBytes);
  console.log(
    `heap when all pods ran, beyond the empty process: node agents and their runtimes ${figure('heapMiB.nodeAgents').toFixed(0)} MiB, ` +
      `the store ${mib(storeBytes).toFixed(0)} MiB (watch history: at most ${historyWrites} writes and ${historyBytes / 2 ** 20} MiB of JSON), ` +
      `the rest (informer caches, controllers, scheduler, Api) ${restMiB.toFixed(0)} MiB; per pod: ` +
      `${(storeBytes / pods / 1024).toFixed(1)} kB store, ${((restMiB * 2 ** 20) / pods / 1024).toFixed(1)} kB rest`,
  );
  rows.push(
    { figure: 'Envelope.heapMiB.store', value: mib(storeBytes), unit: 'MiB' },
    { figure: 'Envelope.heapMiB.rest', value: restMiB, unit: 'MiB' },
    { figure: 'Envelope.storeHistoryWrites', value: historyWrites, unit: 'writes' },
    { figure: 'Envelope.floorWritesPerSec', value: floor.writesPerSec, unit: 'writes/s' },
    { figure: 'Envelope.floorPodsPerSec', value: floorPodsPerSec, unit: 'pods/s' },
    { figure: 'Envelope.podsPerSecOfFloor', value: figure('podsPerSec') / floorPodsPerSec, unit: 'ratio' },
  );
  return rows;
}

/**
 * The watch history the envelope's MemoryStore keeps, bounded as kube-apiserver's watch cache bounds each
 * resource's: at most `defaultUpperBoundCapacity` (100 x 1024) events. Kubernetes sizes it to hold 75 s
 * (`eventFreshDuration`); here it is one window across all resources, so it is also bounded by bytes (64 MiB of
 * objects as JSON): at full scale 200,000 writes held ~250 MiB of heap, mostly old pod states, which in-process
 * watchers (seconds behind at most) never replay.
 */
const historyLimit = 100 * 1024;
const historyBytes = 64 * 2 ** 20;

async function runCluster(
  scale: number,
  store: CountingMemoryStore,
  baseline: NodeJS.MemoryUsage,
): Promise<BenchRow[]> {
  const nodeCount = Math.max(1, Math.round(5000 * scale));
  const deployments = Math.max(1, Math.round(1000 * scale));
  const services = Math.max(1, Math.round(10_000 * scale));
  const totalPods = deployments * replicasPerDeployment + daemonSets * nodeCount;
  console.log(
    `\nenvelope at scale ${scale}: ${nodeCount} nodes, ${deployments} Deployments x ${replicasPerDeployment} + ${daemonSets} DaemonSets = ${totalPods} pods, ${services} Services; endpoint batch period ${endpointBatchMs} ms, PLEG relist every ${relistIntervalMs / 1000} s; V8 heap growing ${heapGrowingPercent > 0 ? `${heapGrowingPercent} %` : 'default'}`,
  );
  const clock = new RealClock();
  const logger = silentLogger();
  const metrics = new Registry();
  const api = new Api({ store, clock });
  // Many components share this one event loop: a controller woken by its own writes lets timers (Lease renewals,
  // the agents' work) run every 20 ms instead of holding the loop until its queue empties.
  const manager = new Manager({ api, clock, logger, metrics, controllerYieldEveryMs: 20 });
  startControllerManager(manager, { registrations: batchedEndpoints });
  const scheduler = new Scheduler({ api, informers: manager.informers, clock, logger, metrics });
  const abort = new AbortController();
  setMaxListeners(4 * nodeCount + 100, abort.signal);
  await manager.start(abort.signal);
  const schedulerDone = scheduler.run(abort.signal);
  const podInformer = manager.informers.for<Pod>('Pod');
  // The agents' service lister and the proxier's Service cache: one informer for all.
  const serviceCache = manager.informers.for<Service>('Service');

  // Nodes first: each agent registers its Node and Lease, then idles; that is the per-node cost.
  const nodesInformer = manager.informers.for<Node>('Node');
  const notReady = new Set<string>();
  const nodeSub = nodesInformer.events$.subscribe((e) => {
    const ready = e.object.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') notReady.add(e.object.metadata.name);
  });
  const agents = Array.from({ length: nodeCount }, (_, k) => {
    const i = k + 1;
    const runtime = new FakeRuntime({ clock, podCIDR: podCIDR(i), recordCalls: false });
    runtime.addImage(image);
    return new NodeAgent({
      api,
      clock,
      logger,
      runtime,
      nodeName: `node-${i}`,
      podCIDR: podCIDR(i),
      hostIP: hostIP(i),
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      pods: podInformer,
      services: serviceCache,
      relistIntervalMs,
    });
  });
  const nodesStarted = performance.now();
  const agentsAbort = new AbortController();
  setMaxListeners(4 * nodeCount + 100, agentsAbort.signal);
  const agentsDone = agents.map((a) => a.run(agentsAbort.signal).catch(() => {}));
  await new Promise<void>((resolve) => {
    const check = () => nodesInformer.cache.list().length >= nodeCount && resolve();
    const sub = nodesInformer.events$.subscribe(() => check() && sub.unsubscribe());
    check();
  });
  console.log(`  ${nodeCount} nodes registered in ${((performance.now() - nodesStarted) / 1000).toFixed(1)} s`);
  const withNodes = heapAfterGc();

  let ready = 0;
  const readyPods = new Set<string>();
  let allReady!: () => void;
  const done = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  const podSub = podInformer.events$.subscribe((e) => {
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    const now = e.type !== 'deleted' && isRunningAndReady(e.object);
    if (now && !readyPods.has(key)) readyPods.add(key);
    else if (!now && readyPods.has(key)) readyPods.delete(key);
    ready = readyPods.size;
    if (ready >= totalPods) allReady();
  });

  // The proxier: kube-proxy's full-then-incremental syncs, here every 5 s from the informer caches.
  const sliceCache = manager.informers.for<EndpointSlice>('EndpointSlice');
  let nft: NftablesState | undefined;
  const generateMs: number[] = [];
  let nftBytes = 0;
  const proxierSync = () => {
    const t0 = performance.now();
    const out = nftablesRules({
      services: serviceCache.cache.list(),
      endpointSlices: sliceCache.cache.list(),
      nodeName: 'node-1',
      nodeIPs: [hostIP(1)],
      clusterCIDR: '10.0.0.0/8',
      previous: nft,
    });
    generateMs.push(performance.now() - t0);
    nft = out.state;
    nftBytes = out.text.length;
  };
  const proxier = setInterval(proxierSync, 5000);

  const probe = await startLatencyProbe(api, store, podInformer);
  let profiler = await profileCpu();
  const cpu0 = process.cpuUsage();
  let windowCpu = cpu0;
  const writes0 = store.total;
  const started = performance.now();
  let ticks = 0;
  const progress = setInterval(() => {
    // A run that never ends still says what it wrote.
    if (++ticks % 6 === 0 && (store.diffs || process.env.CLUSTER_CPU_TOP)) {
      store.diffs?.print(25, 'pods');
      reconcilesByController(metrics).then((r) => printReconcilesPerPod(r, Math.max(1, ready)));
      // Where the last minute's CPU went: the profile restarts, so the final table covers the last window only.
      const cpu = process.cpuUsage(windowCpu);
      windowCpu = process.cpuUsage();
      profiler.stop().then(async (byComponent) => {
        console.log('CPU by component, last 60 s:');
        printCpuByComponent(byComponent, (cpu.user + cpu.system) / 1e6);
        profiler = await profileCpu();
      });
    }
    console.log(
      `  ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s: ${ready} of ${totalPods} running and ready, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${store.total - writes0} writes, load ${loadavg()[0].toFixed(1)}`,
    );
  }, 10_000);

  // The driver yields to the event loop between requests, as a client whose requests arrive on a socket would.
  const yieldLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (let i = 0; i < services; i++) {
    await yieldLoop();
    await api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: 'default' },
      spec: {
        selector: { app: i % 10 === 0 && i / 10 < deployments ? `dep-${i / 10}` : `nothing-${i}` },
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
  }
  for (let d = 0; d < daemonSets; d++) {
    await api.resource('DaemonSet').create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: `ds-${d}`, namespace: 'default' },
      spec: { selector: { matchLabels: { app: `ds-${d}` } }, template: podTemplate(`ds-${d}`) },
    });
  }
  for (let d = 0; d < deployments; d++) {
    await yieldLoop();
    await api.resource('Deployment').create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `dep-${d}`, namespace: 'default' },
      spec: {
        replicas: replicasPerDeployment,
        selector: { matchLabels: { app: `dep-${d}` } },
        template: podTemplate(`dep-${d}`),
      },
    });
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(progress);
  clearInterval(proxier);
  proxierSync();
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const byComponent = await profiler.stop();
  const latency = probe.stop();
  const writes = store.total - writes0;
  const reconciles = await reconcilesByController(metrics);
  podSub.unsubscribe();
  nodeSub.unsubscribe();
  const withPods = heapAfterGc();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(`memory when all pods ran: ${describeRss(withPods)}; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);

  // The agents' share of the heap: what stopping and dropping them (and their FakeRuntimes) frees.
  agentsAbort.abort();
  await Promise.all(agentsDone);
  agents.length = 0;
  const agentsBytes = withPods.heapUsed - heapAfterGc().heapUsed;
  abort.abort();
  await Promise.all([manager.stopped, schedulerDone]);
  await api.close();

  const proxierMs = [...generateMs].sort((a, b) => a - b);
  console.log(
    `envelope: ${totalPods} pods ready in ${seconds.toFixed(1)} s; ${notReady.size} nodes ever not Ready; nftables ${(nftBytes / 2 ** 20).toFixed(1)} MiB of text`,
  );
  printReconcilesPerPod(reconciles, totalPods);
  console.log(
    `store writes per pod by resource: ${[...store.writes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / totalPods).toFixed(2)}`)
      .join(', ')}`,
  );
  store.diffs?.print(40, 'pods');
  printCpuByComponent(byComponent, cpuSeconds);
  const mib = (n: number) => n / 2 ** 20;
  return [
    { figure: 'Envelope.scale', value: scale, unit: '' },
    { figure: 'Envelope.pods', value: totalPods, unit: 'pods' },
    { figure: 'Envelope.seconds', value: seconds, unit: 's' },
    { figure: 'Envelope.podsPerSec', value: totalPods / seconds, unit: 'pods/s', target: '>= 1000' },
    { figure: 'Envelope.storeWritesPerPod', value: writes / totalPods, unit: 'writes' },
    { figure: 'Envelope.cpuSeconds', value: cpuSeconds, unit: 's' },
    { figure: 'Envelope.cpuUtilisation', value: cpuSeconds / seconds, unit: 'cores' },
    { figure: 'Envelope.cpuMsPerPod', value: (cpuSeconds * 1000) / totalPods, unit: 'ms' },
    // CPU per pod rises with the machine's load on a shared machine: the 1-minute load average at the end.
    { figure: 'Envelope.loadAverage', value: loadavg()[0], unit: '' },
    ...[...reconciles].map(([controller, n]) => ({
      figure: `Envelope.reconcilesPerPod.${controller}`,
      value: n / totalPods,
      unit: 'per pod',
    })),
    ...probeRows('Envelope', latency),
    { figure: 'Envelope.nodesEverNotReady', value: notReady.size, unit: 'nodes', target: '0' },
    { figure: 'Envelope.rssMiB', value: mib(withPods.rss), unit: 'MiB', target: '<= 2048' },
    { figure: 'Envelope.peakRssMiB', value: mib(peakRss), unit: 'MiB', target: '<= 2048' },
    { figure: 'Envelope.heapMiB', value: mib(withPods.heapUsed), unit: 'MiB' },
    { figure: 'Envelope.heapTotalMiB', value: mib(withPods.heapTotal), unit: 'MiB' },
    { figure: 'Envelope.externalMiB', value: mib(withPods.external), unit: 'MiB' },
    {
      figure: 'Envelope.heapBytesPerNode',
      value: (withNodes.heapUsed - baseline.heapUsed) / nodeCount,
      unit: 'B',
    },
    { figure: 'Envelope.heapBytesPerPod', value: (withPods.heapUsed - withNodes.heapUsed) / totalPods, unit: 'B' },
    { figure: 'Envelope.heapMiB.nodeAgents', value: mib(agentsBytes), unit: 'MiB' },
    { figure: 'Envelope.proxierSyncs', value: proxierMs.length, unit: 'syncs' },
    { figure: 'Envelope.proxierGenerateMedianMs', value: proxierMs[proxierMs.length >> 1] ?? 0, unit: 'ms' },
    { figure: 'Envelope.proxierGenerateMaxMs', value: proxierMs.at(-1) ?? 0, unit: 'ms' },
    { figure: 'Envelope.nftablesMiB', value: nftBytes / 2 ** 20, unit: 'MiB' },
  ];
}
