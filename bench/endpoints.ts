/**
 * `npm run bench -- endpoints [services] [podsPerService]`: the
 * EndpointSlice controller on MemoryStore, driven by a Manager on the real
 * clock. 10,000 Services x 10 ready pods (defaults) are written first;
 * then the controller starts and the time until every service has its
 * slice is measured (informer sync included), then the time from one pod's
 * readiness change (the status write) until the slice holding it shows the
 * new condition, for a sample of pods, one at a time.
 */

import { registerEndpointSliceController } from '@flotilla/controllers';
import { Api, Manager, MemoryStore, type Pod, RealClock, toTimestamp } from '@flotilla/core';
import { percentile, report } from './report.js';

const services = Number(process.argv[2] ?? 10_000);
const podsPerService = Number(process.argv[3] ?? 10);
const latencySamples = 200;
const clock = new RealClock();
const store = new MemoryStore();
const api = new Api({ store, clock });

const setupStart = performance.now();
for (let s = 0; s < services; s++) {
  await api.resource('Service').create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${s}`, namespace: 'default' },
    spec: { selector: { app: `svc-${s}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  for (let p = 0; p < podsPerService; p++) {
    const i = s * podsPerService + p;
    await api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `svc-${s}-${p}`, namespace: 'default', labels: { app: `svc-${s}` } },
      spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'c', image: 'x' }] },
      status: {
        phase: 'Running',
        podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: toTimestamp(clock.now()) }],
      },
    });
  }
}
const setupMs = performance.now() - setupStart;

// Phase 1: start the controller on the full cluster and wait for every service's slice.
const manager = new Manager({ api, clock });
registerEndpointSliceController(manager);
const slices = manager.informers.for('EndpointSlice');
/** Resolves when `check` holds after an EndpointSlice event. */
function onSlice(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const sub = slices.events$.subscribe(() => {
      if (check()) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
}
const abort = new AbortController();
const buildStart = performance.now();
await manager.start(abort.signal);
const syncMs = performance.now() - buildStart;
const progress = setInterval(
  () => console.error(`  ... ${slices.cache.size} of ${services} services have a slice`),
  5000,
);
await onSlice(() => slices.cache.size >= services);
clearInterval(progress);
const buildMs = performance.now() - buildStart;
const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;

/** The parts of an EndpointSlice endpoint the latency check reads. */
interface SliceEndpoint {
  targetRef?: { name: string };
  conditions?: { ready?: boolean };
}

// Phase 2: readiness flips, one at a time; latency from the status write to the slice event showing it.
const latencies: number[] = [];
const pods = api.resource('Pod');
for (let n = 0; n < latencySamples; n++) {
  const s = Math.floor(Math.random() * services);
  const p = Math.floor(Math.random() * podsPerService);
  const name = `svc-${s}-${p}`;
  const current: Pod = await pods.get('default', name);
  const ready = !(current.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
  // Checks only the slice in each event (O(1)), so the measurement does not scan 10,000 slices per event.
  const seen = new Promise<void>((resolve) => {
    const sub = slices.events$.subscribe((e) => {
      const slice = e.object as { metadata: { labels?: Record<string, string> }; endpoints?: SliceEndpoint[] };
      if (slice.metadata.labels?.['kubernetes.io/service-name'] !== `svc-${s}`) return;
      if ((slice.endpoints ?? []).some((ep) => ep.targetRef?.name === name && ep.conditions?.ready === ready)) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const start = performance.now();
  await pods.patchStatus('default', name, {
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: toTimestamp(clock.now()) }],
    },
  });
  await seen;
  latencies.push(performance.now() - start);
}

abort.abort();
await manager.stopped;
await api.close();

report('endpoints', [
  {
    figure: 'Setup.objectsWrittenPerSec',
    value: (services * (podsPerService + 1)) / (setupMs / 1000),
    unit: 'objects/s',
  },
  { figure: 'Build.informerSyncMs', value: syncMs, unit: 'ms' },
  { figure: 'Build.allSlicesMs', value: buildMs, unit: 'ms' },
  { figure: 'Build.servicesPerSec', value: services / (buildMs / 1000), unit: 'services/s' },
  { figure: 'Build.heapMb', value: heapMb, unit: 'MB' },
  { figure: 'ReadinessChange.p50Ms', value: percentile(latencies, 50), unit: 'ms' },
  { figure: 'ReadinessChange.p99Ms', value: percentile(latencies, 99), unit: 'ms', target: '< 10 ms' },
  { figure: 'ReadinessChange.maxMs', value: Math.max(...latencies), unit: 'ms' },
]);
