import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNetworkNamespace } from '../../src/apply/command-runner.js';
import { detectIptablesBackend, IptablesApplier } from '../../src/apply/iptables-applier.js';
import { NftablesApplier } from '../../src/apply/nftables-applier.js';
import { iptablesRules } from '../../src/iptables/iptables-rules.js';
import { nftablesRules } from '../../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../../src/state/proxy-state.js';
import { endpointSlice, service } from '../support/fixtures.js';
import { NetnsHarness } from '../support/netns.js';

/**
 * Every feature the generators have: NodePort, Local policy, affinity, LB with source ranges, external IPs, UDP, no
 * endpoints. Variant 1 changes one LB's source ranges, drops another's and removes a third LB with ranges.
 */
function richCluster(variant: 0 | 1): ProxyInput {
  const eps =
    variant === 0
      ? [
          { ip: '198.18.20.1', node: 'node-1' },
          { ip: '198.18.20.2', node: 'node-2' },
        ]
      : [
          { ip: '198.18.20.2', node: 'node-2' },
          { ip: '198.18.20.3', node: 'node-1' },
        ];
  return {
    nodeName: 'node-1',
    nodeIPs: ['198.18.0.1'],
    clusterCIDR: '198.18.16.0/20',
    services: [
      service('ns', 'plain', '198.19.0.1', [{ name: 'http', port: 80 }]),
      service('ns', 'sticky', '198.19.0.2', [{ name: 'http', port: 80, nodePort: 30002 }], {
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        externalTrafficPolicy: 'Local',
      }),
      service(
        'ns',
        'lb',
        '198.19.0.3',
        [{ name: 'http', port: 80, nodePort: 30003 }],
        {
          type: 'LoadBalancer',
          externalIPs: ['198.18.9.9'],
          loadBalancerSourceRanges: variant === 0 ? ['198.18.64.0/18'] : ['198.18.1.0/24', '198.18.64.0/18'],
        },
        { loadBalancer: { ingress: [{ ip: '198.18.7.7' }] } },
      ),
      service(
        'ns',
        'lb-opened',
        '198.19.0.7',
        [{ name: 'http', port: 80 }],
        { type: 'LoadBalancer', loadBalancerSourceRanges: variant === 0 ? ['198.18.64.0/18'] : [] },
        { loadBalancer: { ingress: [{ ip: '198.18.7.8' }] } },
      ),
      service('ns', 'dns', '198.19.0.4', [{ name: 'dns', port: 53, protocol: 'UDP' }]),
      service('ns', 'empty', '198.19.0.5', [{ name: 'http', port: 80, nodePort: 30005 }], { type: 'NodePort' }),
      ...(variant === 0
        ? [
            service(
              'ns',
              'gone',
              '198.19.0.6',
              [{ port: 80 }],
              { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.18.64.0/18'] },
              { loadBalancer: { ingress: [{ ip: '198.18.7.9' }] } },
            ),
          ]
        : []),
    ],
    endpointSlices: ['plain', 'sticky', 'lb', 'lb-opened', 'gone']
      .map((name) => endpointSlice('ns', name, [{ name: name === 'gone' ? undefined : 'http', port: 8080 }], eps))
      .concat(endpointSlice('ns', 'dns', [{ name: 'dns', port: 5353, protocol: 'UDP' }], eps)),
  };
}

describe('generated rules are accepted by the real tools (in a network namespace)', () => {
  const net = new NetnsHarness();
  let ns = '';
  beforeAll(async () => {
    ns = await net.namespace('check');
  });
  afterAll(() => net.cleanup());

  it('iptables-legacy-restore --test accepts the full and the partial ruleset', async () => {
    const applier = new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(ns) });
    const full = iptablesRules(richCluster(0));
    await applier.check(full);
    await applier.apply(full);
    await applier.check(iptablesRules({ ...richCluster(1), previous: full.state }));
  });

  it('detects the legacy backend where the legacy tables hold the KUBE- chains', async () => {
    expect(await detectIptablesBackend(inNetworkNamespace(ns))).toBe('legacy');
  });

  it('iptables-nft-restore --test accepts the full ruleset', async () => {
    await new IptablesApplier({ backend: 'nft', runner: inNetworkNamespace(ns) }).check(iptablesRules(richCluster(0)));
  });

  it('nft -c accepts the full ruleset, and the incremental one against the loaded table', async () => {
    const applier = new NftablesApplier({ runner: inNetworkNamespace(ns) });
    const full = nftablesRules(richCluster(0));
    await applier.check(full);
    await applier.apply(full);
    await applier.check(nftablesRules({ ...richCluster(1), previous: full.state }));
  });

  it('iptables: a partial sync leaves the kernel with exactly the rules of a full sync', async () => {
    const save = async (target: string) =>
      (await net.exec(target, 'iptables-legacy-save', [])).stdout
        .split('\n')
        .filter((l) => /^[:-]/.test(l))
        .map((l) => l.replace(/\[\d+:\d+\]/, ''))
        .sort();
    const a = await net.namespace('ipt-a');
    const b = await net.namespace('ipt-b');
    const first = iptablesRules(richCluster(0));
    await new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(a) }).apply(first);
    await new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(a) }).apply(
      iptablesRules({ ...richCluster(1), previous: first.state }),
    );
    await new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(b) }).apply(
      iptablesRules(richCluster(1)),
    );
    const [partial, full] = [await save(a), await save(b)];
    expect(partial.length).toBeGreaterThan(50);
    expect(partial).toEqual(full);
  });

  it('nftables: an incremental sync leaves the kernel with exactly the table of a full sync', async () => {
    const list = async (target: string) => {
      const { stdout } = await net.exec(target, 'nft', ['-j', 'list', 'table', 'ip', 'flotilla']);
      const items = (JSON.parse(stdout) as { nftables: Record<string, Record<string, unknown>>[] }).nftables;
      return items
        .map((item) => {
          const [kind, body] = Object.entries(item)[0];
          const { handle: _h, ...rest } = body;
          if (Array.isArray(rest.elem)) rest.elem = rest.elem.map((e) => JSON.stringify(e)).sort();
          return `${kind} ${JSON.stringify(rest)}`;
        })
        .filter((l) => !l.startsWith('metainfo'))
        .sort();
    };
    const a = await net.namespace('nft-a');
    const b = await net.namespace('nft-b');
    const first = nftablesRules(richCluster(0));
    await new NftablesApplier({ runner: inNetworkNamespace(a) }).apply(first);
    await new NftablesApplier({ runner: inNetworkNamespace(a) }).apply(
      nftablesRules({ ...richCluster(1), previous: first.state }),
    );
    await new NftablesApplier({ runner: inNetworkNamespace(b) }).apply(nftablesRules(richCluster(1)));
    const [incremental, full] = [await list(a), await list(b)];
    expect(incremental.length).toBeGreaterThan(20);
    expect(incremental).toEqual(full);
  });

  it('an applier failure carries the tool stderr', async () => {
    const broken = { ...iptablesRules(richCluster(0)), text: '*nat\n-A NO-SUCH-CHAIN -j ACCEPT\nCOMMIT\n' };
    await expect(
      new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(ns) }).check(broken),
    ).rejects.toThrow(/exit code \d+: .*NO-SUCH-CHAIN|line 2/);
  });
});
