import { describe, expect, it } from 'vitest';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { endpointSlice, service, syntheticCluster } from './support/fixtures.js';
import { danglingGotos, lookup, parseNft } from './support/nft-parse.js';

const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };

function one(endpoints: { ip: string; node?: string; ready?: boolean }[], extra = {}): ProxyInput {
  return {
    ...node,
    services: [service('ns1', 'svc1', '10.0.0.1', [{ name: 'p80', port: 80, nodePort: 30080 }], extra)],
    endpointSlices: [endpointSlice('ns1', 'svc1', [{ name: 'p80', port: 8080 }], endpoints)],
  };
}

describe('nftablesRules', () => {
  it('maps a plain ClusterIP to the shared lb-<n> group whose map holds one key per endpoint 0..n-1', () => {
    const parsed = parseNft(
      nftablesRules(one([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }, { ip: '10.1.0.3', ready: false }])).text,
    );
    expect(lookup(parsed, 'service-ips', '10.0.0.1 . tcp . 80')).toBe('goto lb-2');
    expect(parsed.added.get('lb-2-endpoints')).toEqual([
      '10.0.0.1 . tcp . 80 . 0 : 10.1.0.1 . 8080',
      '10.0.0.1 . tcp . 80 . 1 : 10.1.0.2 . 8080',
    ]);
    expect(parsed.chains.get('lb-2')).toContain(
      'dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @lb-2-endpoints',
    );
  });

  it('does one map lookup per packet: the services chain has two vmap rules whatever the number of services', () => {
    const small = parseNft(nftablesRules({ ...node, ...syntheticCluster(3, 4) }).text);
    const large = parseNft(nftablesRules({ ...node, ...syntheticCluster(300, 4) }).text);
    expect(large.chains.get('services')).toEqual(small.chains.get('services'));
    expect(large.chains.get('services')).toEqual([
      'ip daddr . meta l4proto . th dport vmap @service-ips',
      'fib daddr type local meta l4proto . th dport vmap @service-nodeports',
    ]);
    expect(large.chains.size).toBe(small.chains.size);
    expect(large.added.get('service-ips')).toHaveLength(300);
  });

  it('keeps affinity per endpoint in dynamic sets with the timeout', () => {
    const parsed = parseNft(
      nftablesRules(
        one([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], {
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        }),
      ).text,
    );
    const svc = lookup(parsed, 'service-ips', '10.0.0.1 . tcp . 80')!.replace('goto ', '');
    const rules = parsed.chains.get(svc)!;
    const checks = rules.filter((r) => r.startsWith('ip saddr @aff-'));
    expect(checks).toHaveLength(2);
    for (const check of checks) {
      const [, set, chain] = /@(\S+) goto (\S+)/.exec(check)!;
      expect(parsed.sets.get(set)).toContain('timeout 600s');
      expect(parsed.chains.get(chain)?.[0]).toBe(`update @${set} { ip saddr }`);
    }
    expect(rules.at(-1)).toMatch(/^numgen random mod 2 vmap \{ 0 : goto ep-\S+, 1 : goto ep-\S+ \}$/);
  });

  it('rejects services without endpoints before DNAT, for ClusterIP and NodePort', () => {
    const parsed = parseNft(nftablesRules(one([], { type: 'NodePort' })).text);
    expect(lookup(parsed, 'no-endpoint-services', '10.0.0.1 . tcp . 80')).toBe('goto reject-chain');
    expect(lookup(parsed, 'no-endpoint-nodeports', 'tcp . 30080')).toBe('goto reject-chain');
    expect(parsed.added.get('service-ips')).toBeUndefined();
    expect(parsed.chains.get('reject-chain')).toEqual(['reject']);
  });

  it('sends NodePort traffic under Local policy to local endpoints, pod and node traffic to all', () => {
    const parsed = parseNft(
      nftablesRules({
        ...one(
          [
            { ip: '10.1.0.1', node: 'node-1' },
            { ip: '10.1.0.2', node: 'node-2' },
          ],
          {
            type: 'NodePort',
            externalTrafficPolicy: 'Local',
          },
        ),
        clusterCIDR: '10.244.0.0/16',
      }).text,
    );
    const ext = lookup(parsed, 'service-nodeports', 'tcp . 30080')!.replace('goto ', '');
    const rules = parsed.chains.get(ext)!;
    expect(rules.at(-1)).toBe('meta l4proto tcp dnat ip to 10.1.0.1:8080');
    expect(rules[0]).toMatch(
      /^ip saddr 10\.244\.0\.0\/16 meta l4proto tcp dnat ip to numgen random mod 2 map \{ 0 : 10\.1\.0\.1 \. 8080, 1 : 10\.1\.0\.2 \. 8080 \}$/,
    );
    expect(rules).toContain('fib saddr type local jump mark-for-masquerade');
  });

  it('masquerades marked traffic and hairpin connections', () => {
    const parsed = parseNft(nftablesRules({ ...one([{ ip: '10.1.0.1' }]), clusterCIDR: '10.244.0.0/16' }).text);
    expect(parsed.chains.get('mark-for-masquerade')).toEqual(['meta mark set meta mark or 0x4000']);
    expect(parsed.chains.get('masquerading')).toEqual([
      'meta mark & 0x4000 == 0 return',
      'meta mark set meta mark xor 0x4000',
      'masquerade fully-random',
    ]);
    expect(parsed.chains.get('lb-1')?.[0]).toBe('ip saddr != 10.244.0.0/16 jump mark-for-masquerade');
    expect(parsed.added.get('hairpin')).toEqual(['10.1.0.1 . 10.1.0.1']);
  });

  it('defines every chain it jumps to', () => {
    const text = nftablesRules(
      one([{ ip: '10.1.0.1', node: 'node-1' }, { ip: '10.1.0.2' }], {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        sessionAffinity: 'ClientIP',
        externalIPs: ['198.18.9.9'],
      }),
    ).text;
    expect(danglingGotos(parseNft(text))).toEqual([]);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => nftablesRules({ ...one([]), table: 'x; flush ruleset' })).toThrow(
      /table name "x; flush ruleset" is invalid/,
    );
  });
});

/** A LoadBalancer service `lb` (port 80, NodePort 30080) with `ranges`, `ingress` IPs and `endpoints`. */
function loadBalancer(ranges: string[], ingress: string[], endpoints = ['10.1.0.1']): ProxyInput {
  return {
    ...node,
    services: [
      service(
        'ns1',
        'lb',
        '10.0.0.9',
        [{ name: 'p80', port: 80, nodePort: 30080 }],
        { type: 'LoadBalancer', loadBalancerSourceRanges: ranges },
        { loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } },
      ),
    ],
    endpointSlices: [
      endpointSlice(
        'ns1',
        'lb',
        [{ name: 'p80', port: 8080 }],
        endpoints.map((ip) => ({ ip })),
      ),
    ],
  };
}

const firewallChains = (parsed: ReturnType<typeof parseNft>) =>
  [...parsed.chains.keys()].filter((c) => c.startsWith('fw-'));

describe('nftablesRules loadBalancerSourceRanges', () => {
  it('sends traffic to each ingress IP through a firewall chain that drops sources outside the ranges', () => {
    const parsed = parseNft(
      nftablesRules(loadBalancer(['198.18.64.0/18', '198.18.1.0/24'], ['198.19.0.20', '198.19.0.21'])).text,
    );
    const fw = lookup(parsed, 'firewall-ips', '198.19.0.20 . tcp . 80');
    expect(fw).toMatch(/^goto fw-[A-Z2-7]{16}$/);
    expect(lookup(parsed, 'firewall-ips', '198.19.0.21 . tcp . 80')).toBe(fw);
    expect(parsed.added.get('firewall-ips')).toHaveLength(2);
    // Ranges in the proxy state's sorted order, so the same service always gives the same bytes.
    expect(parsed.chains.get(fw!.replace('goto ', ''))).toEqual(['ip saddr != { 198.18.1.0/24, 198.18.64.0/18 } drop']);
    // Allowed traffic is still translated as before: the ingress IP goes to the port's ext- chain.
    expect(lookup(parsed, 'service-ips', '198.19.0.20 . tcp . 80')).toMatch(/^goto ext-/);
    expect(danglingGotos(parsed)).toEqual([]);
  });

  it('checks the firewall before DNAT, for forwarded and for locally sent traffic', () => {
    const parsed = parseNft(nftablesRules(loadBalancer(['198.18.64.0/18'], ['198.19.0.20'])).text);
    expect(parsed.sets.get('firewall-ips')).toContain('type ipv4_addr . inet_proto . inet_service : verdict');
    expect(parsed.chains.get('firewall-check')).toEqual(['ip daddr . meta l4proto . th dport vmap @firewall-ips']);
    expect(parsed.chains.get('filter-prerouting')).toEqual([
      'type filter hook prerouting priority -110; policy accept',
      'ct state new jump firewall-check',
    ]);
    expect(parsed.chains.get('filter-output')?.slice(1, 3)).toEqual([
      'ct state new jump firewall-check',
      'ct state new jump service-endpoints-check',
    ]);
    expect(parsed.chains.get('nat-prerouting')?.[0]).toBe('type nat hook prerouting priority dstnat; policy accept');
  });

  it('writes a single range without a set', () => {
    const parsed = parseNft(nftablesRules(loadBalancer(['198.18.64.0/18'], ['198.19.0.20'])).text);
    const [fw] = firewallChains(parsed);
    expect(parsed.chains.get(fw)).toEqual(['ip saddr != 198.18.64.0/18 drop']);
  });

  it.each([
    { what: 'a port without ranges', input: loadBalancer([], ['198.19.0.20']) },
    { what: 'a port without ingress IPs', input: loadBalancer(['198.18.64.0/18'], []) },
    {
      what: 'a port without endpoints (its ingress IP is rejected for every source)',
      input: loadBalancer(['198.18.64.0/18'], ['198.19.0.20'], []),
    },
    {
      what: 'a NodePort service (ranges apply to load balancers only)',
      input: {
        ...one([{ ip: '10.1.0.1' }], {
          type: 'NodePort',
          externalIPs: ['198.18.9.9'],
          loadBalancerSourceRanges: ['198.18.64.0/18'],
        }),
      },
    },
  ])('gives $what no firewall element and no chain', ({ input }) => {
    const parsed = parseNft(nftablesRules(input).text);
    expect(parsed.added.get('firewall-ips')).toBeUndefined();
    expect(firewallChains(parsed)).toEqual([]);
    // The shared lookup exists whatever the services, so incremental syncs can add to it.
    expect(parsed.sets.has('firewall-ips')).toBe(true);
  });

  it('costs one chain per port with ranges and none for a port without', () => {
    const withFirewall = parseNft(nftablesRules(loadBalancer(['198.18.64.0/18'], ['198.19.0.20'])).text);
    const withoutFirewall = parseNft(nftablesRules(loadBalancer([], ['198.19.0.20'])).text);
    expect(withFirewall.chains.size - withoutFirewall.chains.size).toBe(1);
  });
});

describe('nftablesRules incremental sync', () => {
  /** The incremental script from `before` to `after`, its parse and its lines. */
  const step = (before: ProxyInput, after: ProxyInput) => {
    const first = nftablesRules(before);
    const second = nftablesRules({ ...after, previous: first.state });
    expect(second.full).toBe(false);
    const lines = second.text.split('\n');
    /** Index of the first line matching `re`, failing when none does. */
    const at = (re: RegExp) => {
      const i = lines.findIndex((l) => re.test(l));
      expect(i, `no line matches ${re}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const fw = firewallChains(parseNft(first.text))[0] ?? firewallChains(parseNft(second.text))[0];
    return { parsed: parseNft(second.text), at, fw };
  };
  const key = '198.19.0.20 . tcp . 80';

  it('adds the chain before the element that goes to it when a port gains ranges', () => {
    const { parsed, at, fw } = step(
      loadBalancer([], ['198.19.0.20']),
      loadBalancer(['198.18.64.0/18'], ['198.19.0.20']),
    );
    expect(lookup(parsed, 'firewall-ips', key)).toBe(`goto ${fw}`);
    expect(parsed.chains.get(fw)).toEqual(['ip saddr != 198.18.64.0/18 drop']);
    expect(at(new RegExp(`^add chain ip flotilla ${fw}$`))).toBeLessThan(at(/^add element ip flotilla firewall-ips /));
  });

  it('rewrites the chain and its elements in place when the ranges change', () => {
    const { parsed, fw } = step(
      loadBalancer(['198.18.64.0/18'], ['198.19.0.20']),
      loadBalancer(['198.18.64.0/18', '198.18.1.0/24'], ['198.19.0.20']),
    );
    expect(parsed.deleted.get('firewall-ips')).toEqual([key]);
    expect(lookup(parsed, 'firewall-ips', key)).toBe(`goto ${fw}`);
    expect(parsed.commands).toContain(`flush chain ip flotilla ${fw}`);
    expect(parsed.chains.get(fw)).toEqual(['ip saddr != { 198.18.1.0/24, 198.18.64.0/18 } drop']);
    expect(parsed.commands).not.toContain(`add chain ip flotilla ${fw}`);
    expect(parsed.commands).not.toContain(`delete chain ip flotilla ${fw}`);
  });

  it.each([
    { what: 'loses its ranges', after: loadBalancer([], ['198.19.0.20']) },
    { what: 'loses its ingress IP', after: loadBalancer(['198.18.64.0/18'], []) },
    { what: 'is removed', after: { ...node, services: [], endpointSlices: [] } },
  ])('deletes the element, then the chain, when a port $what', ({ after }) => {
    const { parsed, at, fw } = step(loadBalancer(['198.18.64.0/18'], ['198.19.0.20']), after);
    expect(parsed.deleted.get('firewall-ips')).toEqual([key]);
    expect(parsed.added.get('firewall-ips')).toBeUndefined();
    expect(at(/^delete element ip flotilla firewall-ips /)).toBeLessThan(
      at(new RegExp(`^delete chain ip flotilla ${fw}$`)),
    );
  });

  it('leaves the firewall alone when another service changes', () => {
    const withLb = (eps: string[]): ProxyInput => {
      const lb = loadBalancer(['198.18.64.0/18'], ['198.19.0.20']);
      const other = one(eps.map((ip) => ({ ip })));
      return {
        ...node,
        services: [...lb.services, ...other.services],
        endpointSlices: [...lb.endpointSlices, ...other.endpointSlices],
      };
    };
    const { parsed } = step(withLb(['10.1.0.1']), withLb(['10.1.0.2']));
    expect(parsed.added.get('firewall-ips')).toBeUndefined();
    expect(parsed.deleted.get('firewall-ips')).toBeUndefined();
    expect(parsed.commands.filter((c) => c.includes(' fw-'))).toEqual([]);
  });

  it('changes only the elements of the changed service, never rewriting the table', () => {
    const cluster = syntheticCluster(20, 3);
    const first = nftablesRules({ ...node, ...cluster });
    const slices = [...cluster.endpointSlices];
    slices[4] = endpointSlice(
      'bench',
      'svc-4',
      [{ name: 'http', port: 8080 }],
      [{ ip: '10.200.0.1' }, { ip: '10.200.0.2' }],
    );
    const second = nftablesRules({
      ...node,
      services: cluster.services,
      endpointSlices: slices,
      previous: first.state,
    });
    expect(second.full).toBe(false);
    expect(second.changedServicePorts).toBe(1);
    expect(second.text).not.toMatch(/^(table|delete table)/m);
    const parsed = parseNft(second.text);
    const key = '10.96.0.5 . tcp . 80';
    expect(parsed.deleted.get('service-ips')).toEqual([key]);
    expect(parsed.deleted.get('lb-3-endpoints')).toEqual([`${key} . 0`, `${key} . 1`, `${key} . 2`]);
    expect(lookup(parsed, 'service-ips', key)).toBe('goto lb-2');
    expect(parsed.added.get('lb-2-endpoints')).toEqual([
      `${key} . 0 : 10.200.0.1 . 8080`,
      `${key} . 1 : 10.200.0.2 . 8080`,
    ]);
    expect(parsed.commands).toContain('add chain ip flotilla lb-2');
    expect(parsed.added.get('hairpin')).toEqual(['10.200.0.1 . 10.200.0.1', '10.200.0.2 . 10.200.0.2']);
    expect(parsed.deleted.get('hairpin')).toHaveLength(3);
  });

  it('keeps a hairpin element while another service still uses the endpoint IP', () => {
    const base: ProxyInput = {
      ...node,
      services: [service('a', 'x', '10.0.0.1', [{ port: 80 }]), service('a', 'y', '10.0.0.2', [{ port: 80 }])],
      endpointSlices: [
        endpointSlice('a', 'x', [{ port: 8080 }], [{ ip: '10.1.0.1' }]),
        endpointSlice('a', 'y', [{ port: 8080 }], [{ ip: '10.1.0.1' }]),
      ],
    };
    const first = nftablesRules(base);
    const second = nftablesRules({ ...base, services: [base.services[1]], previous: first.state });
    expect(parseNft(second.text).deleted.get('hairpin')).toBeUndefined();
    const third = nftablesRules({ ...base, services: [], previous: second.state });
    expect(parseNft(third.text).deleted.get('hairpin')).toEqual(['10.1.0.1 . 10.1.0.1']);
  });

  it('gives a full sync when an older state is passed again (its shared counts have moved on)', () => {
    const cluster = syntheticCluster(5, 2);
    const first = nftablesRules({ ...node, ...cluster });
    expect(nftablesRules({ ...node, ...cluster, previous: first.state }).full).toBe(false);
    const again = nftablesRules({ ...node, ...cluster, previous: first.state });
    expect(again.full).toBe(true);
    expect(again.text).toMatch(/^delete table ip flotilla$/m);
  });

  it('emits nothing but an empty script when nothing changed', () => {
    const cluster = syntheticCluster(5, 2);
    const first = nftablesRules({ ...node, ...cluster });
    expect(nftablesRules({ ...node, ...cluster, previous: first.state }).text).toBe('');
  });
});
