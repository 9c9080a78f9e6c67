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
 *   change generated and applied end to end;
 * - the iptables-nft backend at 1,000 services, to show its curve.
 */
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
const node = { nodeName: 'node-0', nodeIPs: ['198.18.0.1'] };

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
};
const median = (xs: number[]) => percentile(xs, 50);

/** The cluster with service `index` given a different set of endpoints (variant 0 or 1). */
function changed(cluster: ProxyInput, index: number, variant: number): ProxyInput {
  const slices = [...cluster.endpointSlices];
  const eps = Array.from({ length: ENDPOINTS }, (_, e) => ({
    ip: nthAddress([10, 200], index * 64 + variant * 32 + e + 1),
  }));
  slices[index] = Object.freeze(endpointSlice('bench', `svc-${index}`, [{ name: 'http', port: 8080 }], eps));
  return { ...cluster, endpointSlices: slices };
}

/** The cluster as new objects (what a fresh process would see). */
const fresh = (): ProxyInput => ({ ...node, ...syntheticCluster(SERVICES, ENDPOINTS) });

const net = new NetnsHarness();
const rows: BenchRow[] = [];
try {
  const cluster = fresh();
  console.log(`cluster: ${SERVICES} services x ${ENDPOINTS} endpoints`);

  // iptables, full. Each run gets new objects: the normalization cache (keyed by object identity) must not help.
  const fullGen: number[] = [];
  let full = iptablesRules(fresh());
  for (let i = 0; i < 3; i++) {
    const input = fresh();
    const [rules, ms] = await time(() => iptablesRules(input));
    full = rules;
    fullGen.push(ms);
  }
  // The partial syncs below start from the objects of `cluster`.
  full = iptablesRules(cluster);
  const iptNs = await net.namespace('ipt');
  const ipt = new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(iptNs) });
  const [, iptLoad] = await time(() => ipt.apply(full));
  console.log(`iptables full: ${full.text.length} bytes, ${full.ruleCounts.nat} nat rules`);
  rows.push(
    { figure: 'IptablesFull.generateMs', value: median(fullGen), unit: 'ms', target: '< 300' },
    { figure: 'IptablesFull.legacyLoadMs', value: iptLoad, unit: 'ms' },
    { figure: 'IptablesFull.generatePctOfLoad', value: (100 * median(fullGen)) / iptLoad, unit: '%', target: '<= 10' },
  );

  // iptables, one service changed.
  let previous: IptablesState = full.state;
  const partGen: number[] = [];
  const partLoad: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const [rules, gen] = await time(() => iptablesRules({ ...changed(cluster, 5000, i % 2), previous }));
    if (rules.full || rules.changedServicePorts !== 1) throw new Error('expected a one-service partial sync');
    const [, load] = await time(() => ipt.apply(rules));
    previous = rules.state;
    partGen.push(gen);
    partLoad.push(load);
  }
  rows.push(
    { figure: 'IptablesPartial.generateMs', value: median(partGen), unit: 'ms', target: '< 5' },
    { figure: 'IptablesPartial.legacyLoadMs', value: median(partLoad), unit: 'ms' },
  );

  // nftables, full.
  const nftGen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const input = fresh();
    const [, ms] = await time(() => nftablesRules(input));
    nftGen.push(ms);
  }
  const nft = nftablesRules(cluster);
  const nftNs = await net.namespace('nft');
  const nftApplier = new NftablesApplier({ runner: inNetworkNamespace(nftNs) });
  const [, nftLoad] = await time(() => nftApplier.apply(nft));
  console.log(`nftables full: ${nft.text.length} bytes`);
  rows.push(
    { figure: 'NftFull.generateMs', value: median(nftGen), unit: 'ms' },
    { figure: 'NftFull.loadMs', value: nftLoad, unit: 'ms', target: '<= 2000' },
  );

  // nftables, one service changed, end to end.
  let nftPrevious: NftablesState = nft.state;
  const nftPartGen: number[] = [];
  const nftPartLoad: number[] = [];
  const nftEndToEnd: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const [[rules, gen], total] = await time(async () => {
      const [r, g] = await time(() => nftablesRules({ ...changed(cluster, 5000, i % 2), previous: nftPrevious }));
      const [, load] = await time(() => nftApplier.apply(r));
      nftPartLoad.push(load);
      return [r, g] as const;
    });
    if (rules.full || rules.changedServicePorts !== 1) throw new Error('expected a one-service incremental sync');
    nftPrevious = rules.state;
    nftPartGen.push(gen);
    nftEndToEnd.push(total);
  }
  rows.push(
    { figure: 'NftPartial.generateMs', value: median(nftPartGen), unit: 'ms' },
    { figure: 'NftPartial.loadMs', value: median(nftPartLoad), unit: 'ms' },
    { figure: 'NftPartial.endToEndMs', value: median(nftEndToEnd), unit: 'ms', target: '<= 20' },
  );

  // The iptables-nft backend, at a tenth of the size (it grows quadratically).
  const small: ProxyInput = { ...node, ...syntheticCluster(1000, ENDPOINTS) };
  const nftBackendNs = await net.namespace('iptnft');
  const [, nftBackendLoad] = await time(() =>
    new IptablesApplier({ backend: 'nft', runner: inNetworkNamespace(nftBackendNs) }).apply(iptablesRules(small)),
  );
  rows.push({ figure: 'IptablesNftBackend1k.loadMs', value: nftBackendLoad, unit: 'ms' });
} finally {
  await net.cleanup();
}
report('netproxy', rows);
