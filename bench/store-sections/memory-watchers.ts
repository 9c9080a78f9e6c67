/**
 * The MemoryStore watcher section of `npm run bench -- store` (alone:
 * `npm run bench -- store memory`): the floor an in-memory store pays (a Map
 * that copies each object in, as MemoryStore does), and writers' throughput
 * beside one watcher doing 0.2 ms of synchronous work per event against the
 * same writes beside a watcher that does nothing.
 */
import { performance } from 'node:perf_hooks';
import { cloneJson, type KubeObject, MemoryStore } from '../../packages/core/src/index.js';
import { realisticPod } from '../fixtures/realistic-pod.js';
import type { BenchRow } from '../report.js';

const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });

/** Operations per second of `n` sequential awaited operations, best of `rounds`. */
async function bestRate(rounds: number, n: number, setUp: () => (i: number) => Promise<unknown>): Promise<number> {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const op = setUp();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op(i);
    best = Math.max(best, (n / (performance.now() - t0)) * 1000);
  }
  return best;
}

/** Writes per second into a Map that copies each object in: the baseline MemoryStore figures are given against. */
export async function mapCopyBaseline(rows: BenchRow[], writes = 100_000): Promise<number> {
  const pods = Array.from({ length: writes }, (_, i) => realisticPod(`pod-${i}`));
  const perS = await bestRate(3, writes, () => {
    const map = new Map<string, KubeObject>();
    return async (i) => map.set(`default/pod-${i}`, cloneJson(pods[i]));
  });
  rows.push({ figure: 'MapCopy.writes_per_s', value: perS, unit: 'ops/s' });
  return perS;
}

/**
 * Creates per second beside a watcher busy-working `workMs` per event (a
 * lagging watcher is moved off the writers' path, then closed once its
 * buffer overflows; its error is expected here).
 */
function besideWatcher(workMs: number, pods: KubeObject[]): () => (i: number) => Promise<unknown> {
  return () => {
    const store = new MemoryStore();
    store.watch('pods').subscribe({
      next: () => {
        const end = performance.now() + workMs;
        while (performance.now() < end);
      },
      error: () => undefined,
    });
    return (i) => store.create(key(`pod-${i}`), pods[i]);
  };
}

/** The slowdown a watcher doing 0.2 ms of synchronous work per event imposes on writers. */
export async function slowWatcherBench(rows: BenchRow[], writes = 20_000): Promise<void> {
  const pods = Array.from({ length: writes }, (_, i) => realisticPod(`pod-${i}`));
  const quick = await bestRate(3, writes, besideWatcher(0, pods));
  const slow = await bestRate(3, writes, besideWatcher(0.2, pods));
  rows.push({ figure: 'MemoryStore.quickWatcher.creates_per_s', value: quick, unit: 'ops/s' });
  rows.push({ figure: 'MemoryStore.slowWatcher.creates_per_s', value: slow, unit: 'ops/s' });
  rows.push({ figure: 'MemoryStore.slowWatcher.slowdown', value: quick / slow, unit: 'x', target: '<= 2' });
}
