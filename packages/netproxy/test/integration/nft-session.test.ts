import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyError, inNetworkNamespace, spawnRunner } from '../../src/apply/command-runner.js';
import { NftablesApplier } from '../../src/apply/nftables-applier.js';
import { type NftablesRules, nftablesRules } from '../../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../../src/state/proxy-state.js';
import { endpointSlice, service } from '../support/fixtures.js';
import { NetnsHarness } from '../support/netns.js';

const ips = (...last: number[]) => last.map((n) => ({ ip: `198.18.20.${n}` }));

/**
 * Three versions of a small cluster whose changes add and delete elements,
 * chains (ClientIP affinity has a chain per endpoint) and sets: endpoints
 * move, a service appears, one loses every endpoint, one goes away.
 */
function cluster(version: 0 | 1 | 2): ProxyInput {
  const endpoints = [ips(1, 2), ips(2, 3, 4), ips(5)][version];
  return {
    nodeName: 'node-1',
    nodeIPs: ['198.18.0.1'],
    services: [
      service('ns', 'plain', '198.19.0.1', [{ name: 'http', port: 80 }]),
      service('ns', 'sticky', '198.19.0.2', [{ name: 'http', port: 80, nodePort: 30002 }], {
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
      }),
      ...(version > 0 ? [service('ns', 'new', '198.19.0.3', [{ name: 'http', port: 80 }])] : []),
      ...(version < 2 ? [service('ns', 'gone', '198.19.0.4', [{ name: 'http', port: 80 }])] : []),
    ],
    endpointSlices: [
      endpointSlice('ns', 'plain', [{ name: 'http', port: 8080 }], endpoints),
      endpointSlice('ns', 'sticky', [{ name: 'http', port: 8080 }], version === 2 ? [] : endpoints),
      endpointSlice('ns', 'new', [{ name: 'http', port: 8080 }], endpoints),
      endpointSlice('ns', 'gone', [{ name: 'http', port: 8080 }], endpoints),
    ],
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops the kernel's handles, which depend on the order objects were made in. */
function withoutHandles(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutHandles);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) => (k === 'handle' ? [] : [[k, withoutHandles(v)]])),
  );
}

/**
 * The table as the kernel holds it (`nft -j list table`), independent of how
 * it was built: chains, sets and maps by name, set elements sorted, rules
 * in their order within each chain.
 */
async function tableInKernel(ns: string): Promise<Record<string, Json>> {
  const result = await spawnRunner('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'table', 'ip', 'flotilla']);
  if (result.code !== 0) throw new Error(`nft list table in ${ns} failed: ${result.stderr}`);
  const objects = (JSON.parse(result.stdout) as { nftables: Record<string, Json>[] }).nftables;
  const out: Record<string, Json[]> = {};
  for (const object of objects) {
    const [kind, body] = Object.entries(object)[0];
    if (kind === 'metainfo' || kind === 'table') continue;
    const fields = withoutHandles(body) as Record<string, Json>;
    if (kind === 'rule') {
      out[`rule ${fields.chain}`] = [...(out[`rule ${fields.chain}`] ?? []), fields.expr];
      continue;
    }
    if (Array.isArray(fields.elem)) fields.elem = fields.elem.map((e) => JSON.stringify(e)).sort();
    out[`${kind} ${fields.name}`] = [fields];
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The command lines of the processes running in `ns` (`ip netns pids`). */
async function processesIn(ns: string): Promise<{ pid: string; command: string }[]> {
  const pids = (await spawnRunner('ip', ['netns', 'pids', ns])).stdout.split('\n').filter(Boolean);
  return pids.map((pid) => ({
    pid,
    command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '),
  }));
}

describe('NftablesApplier through a long-lived nft -i session (in network namespaces)', () => {
  const net = new NetnsHarness();
  let ns = '';
  let reference = '';
  beforeAll(async () => {
    ns = await net.namespace('sess');
    reference = await net.namespace('full');
  });
  afterAll(() => net.cleanup());

  it('applies incremental syncs through one nft -i child, leaving the table a full load of the same input gives', async () => {
    const applier = new NftablesApplier({ runner: inNetworkNamespace(ns) });
    let rules: NftablesRules = nftablesRules(cluster(0));
    await applier.apply(rules);
    expect(await processesIn(ns)).toEqual([]);
    const children = new Set<string>();
    for (const version of [1, 2, 2] as const) {
      rules = nftablesRules({ ...cluster(version), previous: rules.state });
      expect(rules.full).toBe(false);
      await applier.apply(rules);
      const running = await processesIn(ns);
      expect(running.map((p) => p.command)).toEqual(['nft -i']);
      children.add(running[0].pid);
    }
    expect(children.size).toBe(1);
    expect(rules.changedServicePorts).toBe(0);

    await new NftablesApplier({ runner: inNetworkNamespace(reference) }).apply(nftablesRules(cluster(2)));
    const built = await tableInKernel(ns);
    expect(built).toEqual(await tableInKernel(reference));
    expect(JSON.stringify(built)).toContain('198.19.0.3');
    expect(JSON.stringify(built)).not.toContain('198.19.0.4');

    await applier.close();
    expect(await processesIn(ns)).toEqual([]);
  });

  it('a refused incremental sync commits nothing (one line is one transaction); a full resync and the session go on', async () => {
    const applier = new NftablesApplier({ runner: inNetworkNamespace(ns) });
    const full = nftablesRules(cluster(0));
    await applier.apply(full);
    const before = await tableInKernel(ns);
    const change = nftablesRules({ ...cluster(1), previous: full.state });
    const refused: NftablesRules = {
      ...change,
      text: `${change.text}delete element ip flotilla service-ips { 198.19.99.99 . tcp . 80 }\n`,
    };
    const error = await applier.apply(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).stderr).toMatch(/^Error: /);
    expect((error as ApplyError).stderr).toContain('198.19.99.99');
    expect((error as ApplyError).stderr).not.toContain('flotilla-sync-');
    expect(await tableInKernel(ns)).toEqual(before);

    const resync = nftablesRules(cluster(1));
    await applier.apply(resync);
    await applier.apply(nftablesRules({ ...cluster(2), previous: resync.state }));
    await new NftablesApplier({ runner: inNetworkNamespace(reference) }).apply(nftablesRules(cluster(2)));
    expect(await tableInKernel(ns)).toEqual(await tableInKernel(reference));
    await applier.close();
    expect(await processesIn(ns)).toEqual([]);
  });

  it('an idle session does not keep Node alive: a process that never calls close() still exits', async () => {
    const source = fileURLToPath(new URL('../../src/apply/index.ts', import.meta.url));
    const script = `
      const { NftablesApplier, inNetworkNamespace } = await import(${JSON.stringify(source)});
      const applier = new NftablesApplier({ runner: inNetworkNamespace(${JSON.stringify(ns)}) });
      await applier.apply({ full: true, text: 'table ip idle { set s { type ipv4_addr; }; }\\n' });
      await applier.apply({ full: false, text: 'add element ip idle s { 198.18.5.5 }\\n' });
      console.log('applied');
    `;
    // A child kept alive by the session would never exit: the test timeout reports it.
    const result = await spawnRunner('node', ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(result).toMatchObject({ code: 0, stdout: 'applied\n' });
    const listed = await spawnRunner('ip', ['netns', 'exec', ns, 'nft', 'list', 'set', 'ip', 'idle', 's']);
    expect(listed.stdout).toContain('198.18.5.5');
  });
});
