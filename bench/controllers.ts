/**
 * `npm run bench -- controllers`: the workload controllers on MemoryStore,
 * driven by a Manager on the real clock; a stand-in node agent marks pods
 * Running/Ready as soon as they appear (so the figures measure the
 * controllers and the Api, not containers).
 */

import { startControllerManager } from '@flotilla/controllers';
import { Api, Manager, MemoryStore, type Pod, RealClock, toTimestamp } from '@flotilla/core';
import { report } from './report.js';

const clock = new RealClock();

/** Starts the preset on a fresh store; every new pod is bound and made ready at once. */
async function cluster() {
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  const manager = new Manager({ api, clock });
  startControllerManager(manager, { controllers: ['replicaset', 'deployment'] });
  const abort = new AbortController();
  const pods = api.resource('Pod');
  manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
    const p = e.object;
    const ns = p.metadata.namespace ?? 'default';
    if (e.type === 'deleted') return;
    if (p.metadata.deletionTimestamp) {
      void pods.delete(ns, p.metadata.name, { gracePeriodSeconds: 0 }).catch(() => undefined);
    } else if (e.type === 'added' && runReady) {
      const ts = toTimestamp(clock.now());
      void pods
        .patchStatus(ns, p.metadata.name, {
          status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: ts }] },
        })
        .catch(() => undefined);
    }
  });
  await manager.start(abort.signal);
  return { api, store, manager, stop: async () => abort.abort() };
}

let runReady = true;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}

function deployment(name: string, replicas: number, image = 'nginx:1') {
  return {
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

// 1. ReplicaSet 0 -> 10,000 pods.
runReady = false;
const a = await cluster();
const podCache = a.manager.informers.for<Pod>('Pod').cache;
await a.api.resource('ReplicaSet').create({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'big', namespace: 'default' },
  spec: {
    replicas: 10_000,
    selector: { matchLabels: { app: 'big' } },
    template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
});
const scaleMs = await waitFor(() => podCache.size >= 10_000, 300_000);
await a.stop();

// 2. Rolling update of a 1,000-replica Deployment, pods ready at once.
runReady = true;
const b = await cluster();
const deps = b.api.resource('Deployment');
const done = async (name: string) => {
  const d = b.manager.informers.for('Deployment').cache.get('default', name) as ReturnType<typeof deployment> & {
    status?: { updatedReplicas?: number; availableReplicas?: number; replicas?: number; observedGeneration?: number };
    metadata: { generation?: number };
  };
  const s = d?.status;
  const r = d?.spec.replicas ?? 0;
  return (
    !!s &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.updatedReplicas === r &&
    s.availableReplicas === r &&
    s.replicas === r
  );
};
await deps.create(deployment('roll', 1000));
await waitFor(() => done('roll'), 300_000);
const d = await deps.get('default', 'roll');
d.spec.template.spec.containers[0].image = 'nginx:2';
const rollStart = performance.now();
const updated = await deps.update(d);
const newGeneration = updated.metadata.generation ?? 0;
await waitFor(async () => {
  const cached = b.manager.informers.for('Deployment').cache.get('default', 'roll');
  return (cached?.metadata.generation ?? 0) >= newGeneration && (await done('roll'));
}, 300_000);
const rollMs = performance.now() - rollStart;
await b.stop();

// 3. 1,000 Deployments x 10 replicas created at once.
const c = await cluster();
const start = performance.now();
await Promise.all(Array.from({ length: 1000 }, (_, i) => c.api.resource('Deployment').create(deployment(`d${i}`, 10))));
const names = Array.from({ length: 1000 }, (_, i) => `d${i}`);
const cDone = async () => {
  const cache = c.manager.informers.for('Deployment').cache;
  return names.every((n) => {
    const x = cache.get('default', n) as { status?: { availableReplicas?: number } } | undefined;
    return x?.status?.availableReplicas === 10;
  });
};
await waitFor(cDone, 600_000);
const manyMs = performance.now() - start;
await c.stop();

report('controllers', [
  { figure: 'ReplicaSetScale10k.seconds', value: scaleMs / 1000, unit: 's' },
  { figure: 'ReplicaSetScale10k.podsPerSec', value: 10_000 / (scaleMs / 1000), unit: 'pods/s', target: '>= 5000' },
  { figure: 'RollingUpdate1k.seconds', value: rollMs / 1000, unit: 's', target: '< 5' },
  { figure: 'Deployments1kx10.secondsToAvailable', value: manyMs / 1000, unit: 's' },
]);
process.exit(0);
