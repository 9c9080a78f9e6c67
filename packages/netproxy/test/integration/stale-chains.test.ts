import { afterAll, describe, expect, it } from 'vitest';
import { inNetworkNamespace } from '../../src/apply/command-runner.js';
import { IptablesApplier } from '../../src/apply/iptables-applier.js';
import { iptablesRules } from '../../src/iptables/iptables-rules.js';
import type { ProxyInput } from '../../src/state/proxy-state.js';
import { endpointSlice, service } from '../support/fixtures.js';
import { NetnsHarness } from '../support/netns.js';

/** Services `names`, one endpoint each, on one node. */
function cluster(names: readonly string[]): ProxyInput {
  return {
    nodeName: 'node-1',
    nodeIPs: ['198.18.0.1'],
    services: names.map((name, i) => service('ns', name, `198.19.1.${i + 1}`, [{ name: 'http', port: 80 }])),
    endpointSlices: names.map((name, i) =>
      endpointSlice('ns', name, [{ name: 'http', port: 8080 }], [{ ip: `198.18.30.${i + 1}` }]),
    ),
  };
}

describe('a restarted proxy cleans up after the process before it (iptables-legacy, in a network namespace)', () => {
  const net = new NetnsHarness();
  afterAll(() => net.cleanup());

  it('deletes the chains of services that went away while no proxy ran, and keeps the rest', async () => {
    const ns = await net.namespace('stale');
    const chains = async () =>
      (await net.exec(ns, 'iptables-legacy-save', ['-t', 'nat'])).stdout
        .split('\n')
        .filter((line) => /^:KUBE-(SVC|SEP)-/.test(line))
        .map((line) => line.slice(1).split(' ')[0])
        .sort();

    // The earlier process: three services, then it is gone (its state with it).
    await new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(ns) }).apply(
      iptablesRules(cluster(['a', 'b', 'c'])),
    );
    const before = await chains();
    expect(before).toHaveLength(6);

    // The new process knows nothing of it but what the kernel lists.
    const applier = new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(ns) });
    const now = iptablesRules({ ...cluster(['a']), existingChains: await applier.listNatChains() });
    await applier.apply(now);
    const after = await chains();
    expect(after).toHaveLength(2);
    expect(after).toEqual(before.filter((chain) => now.text.includes(`-A ${chain} `)));

    // Without the listing, a restart leaves them behind: the cleanup is what removes them.
    await new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(ns) }).apply(
      iptablesRules(cluster(['a', 'b', 'c'])),
    );
    await applier.apply(iptablesRules(cluster(['a'])));
    expect(await chains()).toHaveLength(6);
  });
});
