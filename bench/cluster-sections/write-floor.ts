/**
 * The cluster run's floor: how many store writes each pod costs the whole
 * cluster (counted by kind while it runs), and how fast the Api writes on
 * its own in the same process (creates, then status updates, of the
 * realistic pod), so the run can be stated as a share of the rate its writes
 * alone would allow.
 */
import { Api, type KubeObject, MemoryStore, type ObjectKey, RealClock, type StoreWriteOptions } from '@flotilla/core';
import { realisticPod } from '../fixtures/realistic-pod.js';
import { WriteDiffs } from './write-diff.js';

/**
 * A MemoryStore that counts its successful writes by resource, and times
 * each write of `timedResource` from its start to its event reaching a
 * watcher that reports it with `delivered` (before or after the write's
 * promise resolves, whichever comes first).
 */
export class CountingMemoryStore extends MemoryStore {
  readonly writes = new Map<string, number>();
  /** Milliseconds from a timed write's start to its delivery. */
  readonly deliveryMs: number[] = [];
  /** What each update changed, when CLUSTER_WRITE_DIFFS=1 (it reads the stored object before every update). */
  readonly diffs = process.env.CLUSTER_WRITE_DIFFS === '1' ? new WriteDiffs() : undefined;
  private readonly startedAt = new Map<string, number>();
  private readonly deliveredAt = new Map<string, number>();

  constructor(
    options: ConstructorParameters<typeof MemoryStore>[0],
    private readonly timedResource?: string,
  ) {
    super(options);
  }

  /** A watcher saw the event of `resourceVersion` now. */
  delivered(resourceVersion: string): void {
    const t0 = this.startedAt.get(resourceVersion);
    if (t0 === undefined) {
      this.deliveredAt.set(resourceVersion, performance.now());
      return;
    }
    this.startedAt.delete(resourceVersion);
    this.deliveryMs.push(performance.now() - t0);
  }

  private count(key: ObjectKey, out: KubeObject, t0: number): void {
    this.writes.set(key.resource, (this.writes.get(key.resource) ?? 0) + 1);
    const rv = out.metadata.resourceVersion;
    if (key.resource !== this.timedResource || !rv) return;
    const seen = this.deliveredAt.get(rv);
    if (seen === undefined) {
      this.startedAt.set(rv, t0);
      return;
    }
    this.deliveredAt.delete(rv);
    this.deliveryMs.push(seen - t0);
  }

  override async create(key: ObjectKey, obj: KubeObject, opts?: StoreWriteOptions): Promise<KubeObject> {
    const t0 = performance.now();
    const out = await super.create(key, obj, opts);
    this.count(key, out, t0);
    this.diffs?.written(key.resource, out);
    return out;
  }

  override async update(
    key: ObjectKey,
    obj: KubeObject,
    expectedResourceVersion: string,
    opts?: StoreWriteOptions,
  ): Promise<KubeObject> {
    const before = this.diffs ? await super.get(key).catch(() => undefined) : undefined;
    const t0 = performance.now();
    const out = await super.update(key, obj, expectedResourceVersion, opts);
    this.count(key, out, t0);
    if (before) this.diffs?.update(key.resource, before, out);
    return out;
  }

  override async delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject> {
    const t0 = performance.now();
    const out = await super.delete(key, expectedResourceVersion);
    this.count(key, out, t0);
    return out;
  }

  /** Total writes so far. */
  get total(): number {
    let n = 0;
    for (const v of this.writes.values()) n += v;
    return n;
  }
}

/**
 * Api writes per second with nothing else in the process: `n` creates of the
 * realistic pod, then one status update of each, on a fresh MemoryStore
 * with one watcher (as the cluster's informers are, at least one per kind).
 */
export async function rawApiWriteRate(n = 10_000): Promise<{ writesPerSec: number; cpuUsPerWrite: number }> {
  const store = new MemoryStore({ historyLimit: 2 * n + 10 });
  const api = new Api({ store, clock: new RealClock() });
  const pods = api.resource('Pod');
  const watch = pods.watch({ namespace: 'default' }).subscribe(() => {});
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const created = [];
  for (let i = 0; i < n; i++) created.push(await pods.create(realisticPod(`floor-${i}`)));
  for (const p of created) await pods.updateStatus({ ...p, status: { phase: 'Running' } });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  watch.unsubscribe();
  await store.close();
  return { writesPerSec: (2 * n) / seconds, cpuUsPerWrite: (cpu.user + cpu.system) / (2 * n) };
}
