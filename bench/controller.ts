/**
 * `npm run bench -- controller`: core's controller machinery on MemoryStore
 * and the real clock.
 *
 * - InformerSync100k: an Informer (through the Api) lists 100,000 pods into
 *   its cache; seconds to synced (and, for reference, one bare Api list of
 *   the same pods), and retained heap per cached pod compared with the
 *   pod's JSON size.
 * - WorkQueue4Workers: 1,000,000 distinct keys through add -> get -> done
 *   with 4 concurrent workers.
 * - NoopReconcile100k: a Manager with one no-op controller (concurrency 4)
 *   over 100,000 pods; reconciles per second from the moment caches are
 *   synced, and from `start` including the sync.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Api, Informer, Manager, MemoryStore, type Pod, RealClock, WorkQueue } from '@flotilla/core';
import { type BenchRow, report } from './report.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const clock = new RealClock();
const podCount = 100_000;

/** A pod shaped like one the Api stores after scheduling: labels, owner, one container, a status. */
function makePod(i: number): Pod {
  const name = `web-${i.toString(36).padStart(6, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: `ns-${i % 10}`,
      uid: `6f1c${i.toString(16).padStart(8, '0')}-1a2b-4c3d-8e9f-0a1b2c3d4e5f`,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f5' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-7d4b9c8f5',
          uid: '11111111-2222-3333-4444-555555555555',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: '2026-01-01T00:00:00Z',
      generation: 1,
    },
    spec: {
      nodeName: `node-${i % 500}`,
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/web:1.4.2',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
      ],
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
    },
    status: {
      phase: 'Running',
      podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }],
      startTime: '2026-01-01T00:00:01Z',
    },
  } as Pod;
}

/** A store holding 100,000 pods, written straight to the store (the Api path is the store bench's subject). */
async function podStore(): Promise<{ store: MemoryStore; jsonBytes: number }> {
  const store = new MemoryStore();
  let jsonBytes = 0;
  for (let i = 0; i < podCount; i++) {
    const pod = makePod(i);
    const stored = await store.create(
      { resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name },
      pod,
    );
    jsonBytes += JSON.stringify(stored).length;
  }
  return { store, jsonBytes };
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * One bare Api list of the pods, for reference: the part of a sync spent in
 * the Api and the store rather than the informer. A function of its own so
 * that the list is garbage before the heap is measured.
 */
async function timeApiList(api: Api): Promise<number> {
  const t0 = performance.now();
  const { items } = await api.resource('Pod').list();
  if (items.length !== podCount) throw new Error(`listed ${items.length} pods, expected ${podCount}`);
  return (performance.now() - t0) / 1000;
}

async function informerSync(rows: BenchRow[]): Promise<void> {
  const { store, jsonBytes } = await podStore();
  const api = new Api({ store, clock });
  const listSeconds = await timeApiList(api);
  const before = heapAfterGc();
  const ac = new AbortController();
  const informer = new Informer(api, 'Pod', { clock });
  const t0 = performance.now();
  informer.start(ac.signal);
  await informer.synced;
  const seconds = (performance.now() - t0) / 1000;
  const retained = heapAfterGc() - before;
  if (informer.cache.size !== podCount) throw new Error(`cache has ${informer.cache.size} pods, expected ${podCount}`);
  ac.abort();
  rows.push(
    { figure: 'InformerSync100k.seconds', value: seconds, unit: 's', target: '< 2' },
    { figure: 'InformerSync100k.apiListOnlySeconds', value: listSeconds, unit: 's' },
    { figure: 'InformerSync100k.bytesPerPod', value: retained / podCount, unit: 'B' },
    { figure: 'InformerSync100k.jsonBytesPerPod', value: jsonBytes / podCount, unit: 'B' },
    { figure: 'InformerSync100k.memoryPerJsonByte', value: retained / jsonBytes, unit: 'x', target: '<= 2' },
  );
}

async function workQueue(rows: BenchRow[]): Promise<void> {
  const total = 1_000_000;
  const keys = Array.from({ length: total }, (_, i) => `ns/key-${i}`);
  const queue = new WorkQueue<string>({ clock });
  let processed = 0;
  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item.shutdown) return;
      processed++;
      queue.done(item.key);
    }
  };
  const t0 = performance.now();
  const workers = Array.from({ length: 4 }, worker);
  // Add in slices, yielding between them, so workers drain while keys arrive (as informer events would).
  for (let i = 0; i < total; i += 10_000) {
    for (let j = i; j < i + 10_000; j++) queue.add(keys[j]);
    await new Promise((r) => setImmediate(r));
  }
  await queue.shutDownWithDrain();
  await Promise.all(workers);
  const seconds = (performance.now() - t0) / 1000;
  if (processed !== total) throw new Error(`processed ${processed} keys, expected ${total}`);
  rows.push({ figure: 'WorkQueue4Workers.keysPerSec', value: total / seconds, unit: 'keys/s', target: '>= 500000' });
}

async function noopReconcile(rows: BenchRow[]): Promise<void> {
  const { store } = await podStore();
  const api = new Api({ store, clock });
  const manager = new Manager({ api, clock });
  let reconciled = 0;
  let done!: () => void;
  const allDone = new Promise<void>((r) => {
    done = r;
  });
  manager
    .controller('noop')
    .for('Pod')
    .concurrency(4)
    .reconcile({
      async reconcile() {
        if (++reconciled === podCount) done();
      },
    });
  const ac = new AbortController();
  const t0 = performance.now();
  await manager.start(ac.signal);
  const synced = performance.now();
  await allDone;
  const end = performance.now();
  ac.abort();
  await manager.stopped;
  rows.push(
    {
      figure: 'NoopReconcile100k.reconcilesPerSec',
      value: podCount / ((end - synced) / 1000),
      unit: '1/s',
      target: '>= 50000',
    },
    { figure: 'NoopReconcile100k.withSyncPerSec', value: podCount / ((end - t0) / 1000), unit: '1/s' },
  );
}

const rows: BenchRow[] = [];
await informerSync(rows);
await workQueue(rows);
await noopReconcile(rows);
report('controller', rows);
