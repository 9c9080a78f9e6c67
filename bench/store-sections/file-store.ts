/**
 * The FileStore section of `npm run bench -- store` (alone: `npm run bench -- store file`): durable creates/s with 1
 * and 64 concurrent writers beside MemoryStore (no disk) and beside raw etcd3
 * (put-if-absent transactions, as EtcdStore sends) on an etcd whose data
 * directory is on the same disk, in interleaved rounds after a warm-up round
 * of each (the ratio is the median of the rounds' own, printed with the
 * lowest and highest, and beside it the ratio of CPU time per create); and
 * the time to reopen a FileStore holding 100,000 pods (and to list them all
 * right after, which parses the objects a reopen leaves unparsed). The load
 * average at the start and end is printed with them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Etcd3, type IRequestOp } from 'etcd3';
import { FileStore, MemoryStore, type Store } from '../../packages/core/src/index.js';
import { CommitLog } from '../../packages/core/src/store/file-commit-log.js';
import type { LogRecord } from '../../packages/core/src/store/file-records.js';
import { startEtcd } from '../../scripts/etcd.js';
import { realisticPod } from '../fixtures/realistic-pod.js';
import { type BenchRow, percentile } from '../report.js';
import { timeConcurrent } from './concurrent-rate.js';

const key = (name: string) => ({ resource: 'pods', namespace: 'default', name });
const perSecond = (n: number, ms: number) => (n / ms) * 1000;

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-file-store-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Creates/s of `n` pods into `store` with `writers` in flight. */
async function storeCreates(store: Store, prefix: string, n: number, writers: number): Promise<number> {
  const pods = Array.from({ length: n }, (_, i) => realisticPod(`${prefix}-${i}`));
  const ms = await timeConcurrent(n, writers, (i) => store.create(key(`${prefix}-${i}`), pods[i], { handOver: true }));
  return perSecond(n, ms);
}

/** What `run` took, and the synced appends (group commits) FileStores made meanwhile. */
async function countingSyncs(run: () => Promise<number>): Promise<{ ms: number; syncs: number; writes: number }> {
  const append = CommitLog.prototype.append;
  const counted = { ms: 0, syncs: 0, writes: 0 };
  CommitLog.prototype.append = function (this: CommitLog, records: readonly LogRecord[]) {
    counted.syncs++;
    counted.writes += records.length;
    return append.call(this, records);
  };
  try {
    counted.ms = await run();
    return counted;
  } finally {
    CommitLog.prototype.append = append;
  }
}

/** How many creates each side makes per round: a round of each takes about as long as the other's. */
interface Workload {
  writers: number;
  /** Counted rounds, after one warm-up round of each side that is not counted. */
  rounds: number;
  file: number;
  etcd: number;
}

const workloads: Workload[] = [
  { writers: 1, rounds: 3, file: 1_500, etcd: 500 },
  { writers: 64, rounds: 11, file: 10_000, etcd: 2_000 },
];

/** What one FileStore round did: creates/s, and the synced appends and the process CPU it took. */
interface FileRound {
  rate: number;
  syncs: number;
  writes: number;
  cpuMs: number;
}

async function fileRound(prefix: string, n: number, writers: number): Promise<FileRound> {
  return withDir(async (dir) => {
    const store = await FileStore.open(dir);
    const cpu0 = process.cpuUsage();
    const round = await countingSyncs(async () => (n / (await storeCreates(store, prefix, n, writers))) * 1000);
    const cpu = process.cpuUsage(cpu0);
    await store.close();
    return {
      rate: perSecond(n, round.ms),
      syncs: round.syncs,
      writes: round.writes,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  });
}

/** What one raw etcd round did: creates/s, and the CPU it took (etcd's process and this one, its client). */
interface EtcdRound {
  rate: number;
  cpuMs: number;
}

/** The CPU milliseconds the process `pid` has used so far (user and system, in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The process id of the etcd member serving `endpoint` (found by its command line). */
function etcdPid(endpoint: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\u0000');
    if (args[0].endsWith('etcd') && args.includes(endpoint)) return Number(entry);
  }
  throw new Error(`no etcd process serves ${endpoint}`);
}

/** Raw etcd3 creates: put-if-absent transactions, as EtcdStore sends, with `writers` in flight. */
async function etcdRound(raw: Etcd3, pid: number, prefix: string, n: number, writers: number): Promise<EtcdRound> {
  const pods = Array.from({ length: n }, (_, i) => JSON.stringify(realisticPod(`${prefix}-${i}`)));
  const cpu0 = process.cpuUsage();
  const etcdCpu0 = processCpuMs(pid);
  const ms = await timeConcurrent(n, writers, (i) => {
    const k = `/raw/registry/pods/default/${prefix}-${i}`;
    const put: IRequestOp = { request_put: { key: Buffer.from(k), value: Buffer.from(pods[i]) } };
    return raw.if(k, 'Version', '==', 0).then(put).commit();
  });
  const cpu = process.cpuUsage(cpu0);
  return { rate: perSecond(n, ms), cpuMs: processCpuMs(pid) - etcdCpu0 + (cpu.user + cpu.system) / 1000 };
}

const median = (values: number[]) => percentile(values, 50);

/**
 * Durable creates/s at 1 and 64 writers: FileStore, MemoryStore, raw etcd3,
 * in interleaved rounds (FileStore and etcd side by side in each round, the
 * order alternating) after one warm-up round of each. The ratio to etcd is
 * the median of the rounds' own ratios, with the lowest and highest beside it.
 */
async function durableCreates(rows: BenchRow[]): Promise<void> {
  const etcd = await startEtcd({ members: 1 });
  const raw = new Etcd3({ hosts: etcd.endpoints });
  const pid = etcdPid(etcd.endpoints[0]);
  try {
    await raw.put('/warm').value('x');
    for (const { writers, rounds, file: nFile, etcd: nEtcd } of workloads) {
      await fileRound(`w${writers}-warm`, nFile, writers);
      await etcdRound(raw, pid, `e${writers}-warm`, nEtcd, writers);
      const files: FileRound[] = [];
      const etcds: EtcdRound[] = [];
      const memoryRates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const fileFirst = r % 2 === 0;
        if (fileFirst) files.push(await fileRound(`f${writers}-${r}`, nFile, writers));
        etcds.push(await etcdRound(raw, pid, `e${writers}-${r}`, nEtcd, writers));
        if (!fileFirst) files.push(await fileRound(`f${writers}-${r}`, nFile, writers));
        memoryRates.push(await storeCreates(new MemoryStore(), `m${writers}-${r}`, nFile, writers));
      }
      const etcdRates = etcds.map((e) => e.rate);
      const ratios = files.map((f, r) => f.rate / etcdRates[r]);
      const sum = (pick: (f: FileRound) => number) => files.reduce((total, f) => total + pick(f), 0);
      const label = `FileStore.${writers}writer${writers === 1 ? '' : 's'}`;
      const fileRate = median(files.map((f) => f.rate));
      rows.push({ figure: `${label}.durable_creates_per_s`, value: fileRate, unit: 'ops/s' });
      // Group commit at work: how many writes each synced append carried.
      rows.push({
        figure: `${label}.writes_per_sync`,
        value: sum((f) => f.writes) / sum((f) => f.syncs),
        unit: 'writes',
      });
      // The bench process's CPU (all threads: the log's writes included) per durable create.
      const fileCpuUs = (sum((f) => f.cpuMs) * 1000) / (nFile * rounds);
      rows.push({ figure: `${label}.cpu_us_per_durable_create`, value: fileCpuUs, unit: 'us' });
      rows.push({ figure: `${label}.memory_creates_per_s`, value: median(memoryRates), unit: 'ops/s' });
      rows.push({ figure: `${label}.raw_etcd_creates_per_s`, value: median(etcdRates), unit: 'ops/s' });
      rows.push({
        figure: `${label}.x_raw_etcd`,
        value: median(ratios),
        unit: 'ratio',
        target: writers === 64 ? '>= 10 (median of rounds)' : undefined,
      });
      rows.push({ figure: `${label}.x_raw_etcd_lowest_round`, value: Math.min(...ratios), unit: 'ratio' });
      rows.push({ figure: `${label}.x_raw_etcd_highest_round`, value: Math.max(...ratios), unit: 'ratio' });
      rows.push({ figure: `${label}.x_memory`, value: fileRate / median(memoryRates), unit: 'ratio' });
      // CPU time per durable create, which other work on the machine moves far less than the rates: etcd's
      // (its server and this process's client) over FileStore's.
      const etcdCpuUs = (etcds.reduce((total, e) => total + e.cpuMs, 0) * 1000) / (nEtcd * rounds);
      rows.push({ figure: `${label}.raw_etcd_cpu_us_per_create`, value: etcdCpuUs, unit: 'us' });
      rows.push({ figure: `${label}.x_raw_etcd_cpu`, value: etcdCpuUs / fileCpuUs, unit: 'ratio' });
    }
  } finally {
    raw.close();
    await etcd.stop();
  }
}

/** Time to open a FileStore holding `n` pods (snapshot plus log, as the writes left them). */
async function reopen(rows: BenchRow[], n: number): Promise<void> {
  await withDir(async (dir) => {
    const store = await FileStore.open(dir);
    await storeCreates(store, 'r', n, 64);
    await store.close();
    let best = Number.POSITIVE_INFINITY;
    let bestCpu = Number.POSITIVE_INFINITY;
    let bestList = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const reopened = await FileStore.open(dir);
      best = Math.min(best, performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
      const t1 = performance.now();
      const all = await reopened.list('pods');
      bestList = Math.min(bestList, performance.now() - t1);
      const { items } = await reopened.list('pods', { limit: 1 });
      if (items.length !== 1 || all.items.length !== n) {
        throw new Error(`reopened FileStore does not hold the ${n} pods written`);
      }
      await reopened.close();
    }
    rows.push({ figure: `FileStore.reopen_${n / 1000}k_objects_ms`, value: best, unit: 'ms', target: '<= 2000' });
    // CPU time of the same open: on a shared machine, wall time also counts waiting for a core.
    rows.push({ figure: `FileStore.reopen_${n / 1000}k_objects_cpu_ms`, value: bestCpu, unit: 'ms' });
    // A reopen parses objects when first read: the first list of them all pays for what the reopen did not.
    rows.push({ figure: `FileStore.first_list_all_${n / 1000}k_after_reopen_ms`, value: bestList, unit: 'ms' });
  });
}

/** Adds the FileStore figures to `rows`. */
export async function fileStoreBench(rows: BenchRow[]): Promise<void> {
  // Other work on the machine moves every figure here: the load beside them says how much there was.
  rows.push({ figure: 'FileStore.load_average_1m_at_start', value: loadavg()[0], unit: 'load' });
  await durableCreates(rows);
  await reopen(rows, 100_000);
  rows.push({ figure: 'FileStore.load_average_1m_at_end', value: loadavg()[0], unit: 'load' });
}
