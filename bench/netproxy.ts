/**
 * `npm run bench -- netproxy` (needs root: it loads rules into network
 * namespaces it creates and deletes). A synthetic cluster of 10,000
 * ClusterIP services x 10 endpoints, as frozen objects (as informer caches
 * hold them):
 *
 * - iptables: full ruleset generation time and `iptables-legacy-restore`
 *   load time in the same run; a one-service endpoint change: partial
 *   generation and load time;
 * - nftables: full script generation and `nft -f` load time; a one-service
 *   change generated and applied end to end (through the applier's
 *   long-lived `nft -i` session, started by the first change);
 * - the iptables-nft backend at 1,000 services, to show its curve.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inNetworkNamespace } from '../packages/netproxy/src/apply/command-runner.js';
import { IptablesApplier } from '../packages/netproxy/src/apply/iptables-applier.js';
import { NftablesApplier } from '../packages/netproxy/src/apply/nftables-applier.js';
import { type IptablesState, iptablesRules } from '../packages/netproxy/src/iptables/iptables-rules.js';
import { type NftablesState, nftablesRules } from '../packages/netproxy/src/nftables/nftables-rules.js';
import type { ProxyInput } from '../packages/netproxy/src/state/proxy-state.js';
import { endpointSlice, nthAddress, syntheticCluster } from '../packages/netproxy/test/support/fixtures.js';
import { NetnsHarness } from '../packages/netproxy/test/support/netns.js';
import { type BenchRow, percentile, report } from './report.js';

const SERVICES = 10_000;
const ENDPOINTS = 10;
const CHANGES = 5;
/** Full generations timed per generator (the first in a process runs cold); the median is reported. */
const FULL_RUNS = 5;
const node = { nodeName: 'node-0', nodeIPs: ['198.18.0.1'] };

/** CPU milliseconds used so far by this process and by the children it has reaped (the rule-loading tools). */
function cpuMs(): number {
  const usage = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5), cutime and cstime, in clock ticks (CLK_TCK = 100 on Linux).
  const children = (Number(fields[13]) + Number(fields[14])) * 10;
  return (usage.user + usage.system) / 1000 + children;
}

/**
 * Runs `fn`, returning its value, its wall time and the CPU time it used
 * (this process plus reaped children). On a machine shared with other work,
 * wall time grows with the load; CPU time much less, so both are reported.
 */
const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number, number]> => {
  const start = performance.now();
  const cpuStart = cpuMs();
  const value = await fn();
  return [value, performance.now() - start, cpuMs() - cpuStart];
};
/** Wall and CPU times of repeated runs of one step. */
class Samples {
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  add(wall: number, cpu: number): void {
    this.wall.push(wall);
    this.cpu.push(cpu);
  }
  /** Two rows, `<name>Ms` (wall, median) and `<name>CpuMs` (CPU, median); the target applies to the wall time. */
  rows(name: string, target?: string): BenchRow[] {
    return [
      { figure: `${name}Ms`, value: percentile(this.wall, 50), unit: 'ms', target },
      { figure: `${name}CpuMs`, value: percentile(this.cpu, 50), unit: 'ms cpu' },
    ];
  }
}

/** Runs `fn` and adds its times to `samples`. */
async function sample<T>(samples: Samples, fn: () => T | Promise<T>): Promise<T> {
  const [value, wall, cpu] = await time(fn);
  samples.add(wall, cpu);
  return value;
}

/** The cluster with service `index` given a different set of endpoints (variant 0 or 1). */
function changed(cluster: ProxyInput, index: number, variant: number): ProxyInput {
  const slices = [...cluster.endpointSlices];
  const eps = Array.from({ length: ENDPOINTS }, (_, e) => ({
    ip: nthAddress([10, 200], index * 64 + variant * 32 + e + 1),
  }));
  slices[index] = Object.freeze(endpointSlice('bench', `svc-${index}`, [{ name: 'http', port: 8080 }], eps));
  return { ...cluster, endpointSlices: slices };
}

setFlagsFromString('--expose-gc');
/**
 * A full garbage collection between phases and between full generations
 * (never inside a measured step), so that one step's garbage (30 MB rule
 * texts, discarded clusters) is not collected on the next step's clock.
 */
const collectGarbage = runInNewContext('gc') as () => void;

/** The cluster as new objects (what a fresh process would see). */
const fresh = (): ProxyInput => ({ ...node, ...syntheticCluster(SERVICES, ENDPOINTS) });

const net = new NetnsHarness();
const rows: BenchRow[] = [];
/** Closed before the namespaces go: it holds an `nft -i` child in one of them. */
let nftables: NftablesApplier | undefined;
try {
  const cluster = fresh();
  console.log(`cluster: ${SERVICES} services x ${ENDPOINTS} endpoints`);

  // iptables, full. Each run gets new objects: the normalization cache (keyed by object identity) must not help.
  const iptGen = new Samples();
  for (let i = 0; i < FULL_RUNS; i++) {
    const input = fresh();
    collectGarbage();
    await sample(iptGen, () => iptablesRules(input));
  }
  // The partial syncs below start from the objects of `cluster`; only the state is kept.
  const iptNs = await net.namespace('ipt');
  const ipt = new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(iptNs) });
  const iptLoad = new Samples();
  let previous: IptablesState = await (async () => {
    const full = iptablesRules(cluster);
    console.log(`iptables full: ${full.text.length} bytes, ${full.ruleCounts.nat} nat rules`);
    await sample(iptLoad, () => ipt.apply(full));
    return full.state;
  })();
  const pct = (a: number[], b: number[]) => (100 * percentile(a, 50)) / percentile(b, 50);
  rows.push(
    ...iptGen.rows('IptablesFull.generate', '< 300'),
    ...iptLoad.rows('IptablesFull.legacyLoad'),
    { figure: 'IptablesFull.generatePctOfLoad', value: pct(iptGen.wall, iptLoad.wall), unit: '%', target: '<= 10' },
    { figure: 'IptablesFull.generateCpuPctOfLoadCpu', value: pct(iptGen.cpu, iptLoad.cpu), unit: '%' },
  );

  // iptables, one service changed.
  collectGarbage();
  const iptPartGen = new Samples();
  const iptPartLoad = new Samples();
  for (let i = 0; i < CHANGES; i++) {
    const input = changed(cluster, 5000, i % 2);
    const rules = await sample(iptPartGen, () => iptablesRules({ ...input, previous }));
    if (rules.full || rules.changedServicePorts !== 1) throw new Error('expected a one-service partial sync');
    await sample(iptPartLoad, () => ipt.apply(rules));
    previous = rules.state;
  }
  rows.push(...iptPartGen.rows('IptablesPartial.generate', '< 5'), ...iptPartLoad.rows('IptablesPartial.legacyLoad'));

  // nftables, full.
  collectGarbage();
  const nftGen = new Samples();
  for (let i = 0; i < FULL_RUNS; i++) {
    const input = fresh();
    collectGarbage();
    await sample(nftGen, () => nftablesRules(input));
  }
  const nftNs = await net.namespace('nft');
  const nftApplier = new NftablesApplier({ runner: inNetworkNamespace(nftNs) });
  nftables = nftApplier;
  const nftLoad = new Samples();
  let nftPrevious: NftablesState = await (async () => {
    const nft = nftablesRules(cluster);
    console.log(`nftables full: ${nft.text.length} bytes`);
    await sample(nftLoad, () => nftApplier.apply(nft));
    return nft.state;
  })();
  rows.push(...nftGen.rows('NftFull.generate'), ...nftLoad.rows('NftFull.load', '<= 2000'));

  // nftables, one service changed, end to end (generate + nft -f).
  collectGarbage();
  const nftPartGen = new Samples();
  const nftPartLoad = new Samples();
  const nftEndToEnd = new Samples();
  for (let i = 0; i < CHANGES; i++) {
    const input = changed(cluster, 5000, i % 2);
    const rules = await sample(nftEndToEnd, async () => {
      const r = await sample(nftPartGen, () => nftablesRules({ ...input, previous: nftPrevious }));
      await sample(nftPartLoad, () => nftApplier.apply(r));
      return r;
    });
    if (rules.full || rules.changedServicePorts !== 1) throw new Error('expected a one-service incremental sync');
    nftPrevious = rules.state;
  }
  rows.push(
    ...nftPartGen.rows('NftPartial.generate'),
    ...nftPartLoad.rows('NftPartial.load'),
    ...nftEndToEnd.rows('NftPartial.endToEnd', '<= 20'),
  );

  // The iptables-nft backend, at a tenth of the size (it grows quadratically).
  const small = iptablesRules({ ...node, ...syntheticCluster(1000, ENDPOINTS) });
  const nftBackendNs = await net.namespace('iptnft');
  const nftBackendLoad = new Samples();
  await sample(nftBackendLoad, () =>
    new IptablesApplier({ backend: 'nft', runner: inNetworkNamespace(nftBackendNs) }).apply(small),
  );
  rows.push(...nftBackendLoad.rows('IptablesNftBackend1k.load'));
} finally {
  await nftables?.close();
  await net.cleanup();
}
report('netproxy', rows);
