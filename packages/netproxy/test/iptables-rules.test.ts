import { describe, expect, it } from 'vitest';
import { endpointChain, servicePortChains } from '../src/iptables/chain-names.js';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';
import { danglingJumps, destinations, option, type ParsedTable, parseRestore } from './support/iptables-parse.js';

const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };

function input(
  endpoints: { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean }[],
  extra = {},
): ProxyInput {
  return {
    ...node,
    services: [service('ns1', 'svc1', '10.0.0.1', [{ name: 'p80', port: 80, nodePort: 30080 }], extra)],
    endpointSlices: [endpointSlice('ns1', 'svc1', [{ name: 'p80', port: 8080 }], endpoints)],
  };
}

function nat(text: string): ParsedTable {
  return parseRestore(text).get('nat')!;
}

function filter(text: string): ParsedTable {
  return parseRestore(text).get('filter')!;
}

/** The chain KUBE-SERVICES jumps to for traffic to ip:port. */
function serviceTarget(table: ParsedTable, ip: string, port: number): string | undefined {
  return table.rules.find(
    (r) => r.chain === 'KUBE-SERVICES' && option(r, '-d') === `${ip}/32` && option(r, '--dport') === String(port),
  )?.target;
}

describe('iptables chain names', () => {
  it("match kube-proxy's names for the same service port (KUBE-SVC-XPGD46QRK7WJZT7O for ns1/svc1:p80 tcp)", () => {
    const port = { name: 'ns1/svc1:p80', protocol: 'tcp' } as Parameters<typeof servicePortChains>[0];
    expect(servicePortChains(port)).toEqual({
      svc: 'KUBE-SVC-XPGD46QRK7WJZT7O',
      svl: 'KUBE-SVL-XPGD46QRK7WJZT7O',
      ext: 'KUBE-EXT-XPGD46QRK7WJZT7O',
      fw: 'KUBE-FW-XPGD46QRK7WJZT7O',
    });
    const sep = endpointChain(port, { ip: '10.180.0.1', port: 80 } as Parameters<typeof endpointChain>[1]);
    expect(sep).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(sep.length).toBeLessThanOrEqual(28);
  });
});

describe('iptablesRules', () => {
  it.each([1, 2, 3, 5, 10])('sends a ClusterIP to each of %i ready endpoints with probability 1/n', (n) => {
    const eps = Array.from({ length: n }, (_, i) => ({ ip: `10.1.0.${i + 1}` }));
    const table = nat(iptablesRules(input(eps)).text);
    const svc = serviceTarget(table, '10.0.0.1', 80)!;
    expect(svc).toMatch(/^KUBE-SVC-/);
    const reached = destinations(table, svc);
    expect([...reached.keys()].sort()).toEqual(eps.map((e) => `${e.ip}:8080`).sort());
    for (const p of reached.values()) expect(p).toBeCloseTo(1 / n, 8);
  });

  it('prints probabilities with 10 decimals and leaves the last endpoint without a match', () => {
    const table = nat(iptablesRules(input([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }, { ip: '10.1.0.3' }])).text);
    const svcRules = table.rules.filter((r) => r.chain.startsWith('KUBE-SVC-') && r.target.startsWith('KUBE-SEP-'));
    expect(svcRules.map((r) => option(r, '--probability'))).toEqual(['0.3333333333', '0.5000000000', undefined]);
  });

  it('declares every chain it jumps to (no dangling jump) in both tables', () => {
    const text = iptablesRules(
      input([{ ip: '10.1.0.1', node: 'node-1' }, { ip: '10.1.0.2' }], {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        sessionAffinity: 'ClientIP',
        externalIPs: ['198.18.9.9'],
        loadBalancerSourceRanges: ['198.18.64.0/18'],
      }),
    ).text;
    for (const table of parseRestore(text).values()) expect(danglingJumps(table)).toEqual([]);
  });

  it('uses only ready endpoints, and serving terminating ones when none is ready', () => {
    const mixed = nat(iptablesRules(input([{ ip: '10.1.0.1' }, { ip: '10.1.0.2', ready: false }])).text);
    expect([...destinations(mixed, serviceTarget(mixed, '10.0.0.1', 80)!).keys()]).toEqual(['10.1.0.1:8080']);
    const draining = nat(
      iptablesRules(
        input([
          { ip: '10.1.0.1', ready: false, serving: true, terminating: true },
          { ip: '10.1.0.2', ready: false, serving: false, terminating: true },
        ]),
      ).text,
    );
    expect([...destinations(draining, serviceTarget(draining, '10.0.0.1', 80)!).keys()]).toEqual(['10.1.0.1:8080']);
  });

  it('implements ClientIP affinity with the recent module and the timeout', () => {
    const text = iptablesRules(
      input([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      }),
    ).text;
    const table = nat(text);
    const checks = table.rules.filter((r) => r.args.includes('--rcheck'));
    expect(checks).toHaveLength(2);
    for (const check of checks) {
      expect(option(check, '--name')).toBe(check.target);
      expect(option(check, '--seconds')).toBe('600');
      expect(check.args).toContain('--reap');
      const dnat = table.rules.find((r) => r.chain === check.target && r.target === 'DNAT')!;
      expect(option(dnat, '--name')).toBe(check.target);
      expect(dnat.args).toContain('--set');
    }
  });

  it('marks hairpin traffic and masquerades marked packets as kube-proxy does', () => {
    const text = iptablesRules({ ...input([{ ip: '10.1.0.1' }]), masqueradeBit: 10 }).text;
    expect(text).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x400');
    expect(text).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x400/0x400 -j RETURN');
    expect(text).toContain('-A KUBE-POSTROUTING -j MARK --xor-mark 0x400');
    expect(text).toMatch(/-A KUBE-POSTROUTING .*-j MASQUERADE/);
    const sep = nat(text).rules.find((r) => r.chain.startsWith('KUBE-SEP-') && r.target === 'KUBE-MARK-MASQ')!;
    expect(option(sep, '-s')).toBe('10.1.0.1/32');
  });

  it('masquerades ClusterIP traffic from outside the cluster CIDR', () => {
    const table = nat(iptablesRules({ ...input([{ ip: '10.1.0.1' }]), clusterCIDR: '10.244.0.0/16' }).text);
    const masq = table.rules.find((r) => r.chain.startsWith('KUBE-SVC-') && r.target === 'KUBE-MARK-MASQ')!;
    expect(masq.args.join(' ')).toContain('! -s 10.244.0.0/16');
  });

  it('routes NodePort traffic under externalTrafficPolicy Local to local endpoints only', () => {
    const text = iptablesRules(
      input(
        [
          { ip: '10.1.0.1', node: 'node-1' },
          { ip: '10.1.0.2', node: 'node-2' },
        ],
        {
          type: 'NodePort',
          externalTrafficPolicy: 'Local',
        },
      ),
    ).text;
    const table = nat(text);
    const ext = table.rules.find((r) => r.chain === 'KUBE-NODEPORTS' && option(r, '--dport') === '30080')!.target;
    expect(ext).toMatch(/^KUBE-EXT-/);
    const svl = table.rules.filter((r) => r.chain === ext).at(-1)!.target;
    expect(svl).toMatch(/^KUBE-SVL-/);
    expect([...destinations(table, svl).keys()]).toEqual(['10.1.0.1:8080']);
    expect([...destinations(table, serviceTarget(table, '10.0.0.1', 80)!).keys()].sort()).toEqual([
      '10.1.0.1:8080',
      '10.1.0.2:8080',
    ]);
  });

  it('drops external traffic under Local policy when this node has no endpoint', () => {
    const text = iptablesRules(
      input([{ ip: '10.1.0.2', node: 'node-2' }], { type: 'NodePort', externalTrafficPolicy: 'Local' }),
    ).text;
    const drop = filter(text).rules.find((r) => r.chain === 'KUBE-EXTERNAL-SERVICES')!;
    expect(drop.target).toBe('DROP');
    expect(option(drop, '--dport')).toBe('30080');
  });

  it('rejects traffic to a service without endpoints (ClusterIP, NodePort and external IPs)', () => {
    const text = iptablesRules(input([], { type: 'NodePort', externalIPs: ['198.18.9.9'] })).text;
    const rejects = filter(text).rules.filter((r) => r.target === 'REJECT');
    expect(rejects.map((r) => [r.chain, option(r, '-d') ?? option(r, '--dport')])).toEqual([
      ['KUBE-SERVICES', '10.0.0.1/32'],
      ['KUBE-EXTERNAL-SERVICES', '198.18.9.9/32'],
      ['KUBE-EXTERNAL-SERVICES', '30080'],
    ]);
    expect(nat(text).rules.some((r) => r.target.startsWith('KUBE-SVC-'))).toBe(false);
  });

  it('sends load balancer IPs with source ranges through the FW chain and drops the rest in filter', () => {
    const text = iptablesRules({
      ...input([{ ip: '10.1.0.1' }], { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.18.64.0/18'] }),
      services: [
        service(
          'ns1',
          'svc1',
          '10.0.0.1',
          [{ name: 'p80', port: 80, nodePort: 30080 }],
          { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.18.64.0/18'] },
          { loadBalancer: { ingress: [{ ip: '198.18.7.7' }] } },
        ),
      ],
    }).text;
    const table = nat(text);
    const fw = serviceTarget(table, '198.18.7.7', 80)!;
    expect(fw).toMatch(/^KUBE-FW-/);
    expect(table.rules.filter((r) => r.chain === fw).map((r) => option(r, '-s'))).toEqual(['198.18.64.0/18']);
    expect(filter(text).rules.find((r) => r.chain === 'KUBE-PROXY-FIREWALL')?.target).toBe('DROP');
  });

  it('writes comments naming the service, and drops them above 1,000 endpoints', () => {
    expect(iptablesRules(input([{ ip: '10.1.0.1' }])).text).toContain('--comment "ns1/svc1:p80 cluster IP"');
    const many = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.2.${i >> 8}.${i & 255}` }));
    expect(iptablesRules(input(many)).text).not.toContain('-m comment --comment "ns1');
  });

  it('gives byte-identical output for the same objects in any order', () => {
    const a = {
      ...node,
      services: [service('a', 'x', '10.0.0.1', [{ port: 80 }]), service('b', 'y', '10.0.0.2', [{ port: 81 }])],
      endpointSlices: [
        endpointSlice('a', 'x', [{ port: 8080 }], [{ ip: '10.1.0.2' }, { ip: '10.1.0.1' }]),
        endpointSlice('b', 'y', [{ port: 8080 }], [{ ip: '10.1.0.3' }]),
      ],
    };
    const b = {
      ...a,
      services: [...a.services].reverse(),
      endpointSlices: [
        a.endpointSlices[1],
        endpointSlice('a', 'x', [{ port: 8080 }], [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }]),
      ],
    };
    expect(iptablesRules(b).text).toBe(iptablesRules(a).text);
  });
});

describe('iptablesRules partial sync', () => {
  const two = (xEndpoints: string[]): ProxyInput => ({
    ...node,
    services: [service('a', 'x', '10.0.0.1', [{ port: 80 }]), service('b', 'y', '10.0.0.2', [{ port: 81 }])],
    endpointSlices: [
      endpointSlice(
        'a',
        'x',
        [{ port: 8080 }],
        xEndpoints.map((ip) => ({ ip })),
      ),
      endpointSlice('b', 'y', [{ port: 8080 }], [{ ip: '10.1.1.1' }]),
    ],
  });

  it('rewrites the top-level chains and only the changed service chains, deleting stale ones', () => {
    const first = iptablesRules(two(['10.1.0.1', '10.1.0.2']));
    const second = iptablesRules({ ...two(['10.1.0.1']), previous: first.state });
    expect(second.full).toBe(false);
    expect(second.changedServicePorts).toBe(1);
    const table = nat(second.text);
    const svcX = serviceTarget(table, '10.0.0.1', 80)!;
    const svcY = serviceTarget(table, '10.0.0.2', 81)!;
    expect(table.declared).toContain(svcX);
    expect(table.declared).not.toContain(svcY);
    for (const top of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'])
      expect(table.declared).toContain(top);
    expect(table.deleted.size).toBe(1);
    const [stale] = table.deleted;
    expect(stale).toMatch(/^KUBE-SEP-/);
    expect(table.declared).toContain(stale);
    expect(table.rules.some((r) => r.chain === stale || r.target === stale)).toBe(false);
    expect([...destinations(table, svcX).keys()]).toEqual(['10.1.0.1:8080']);
  });

  it('on a full sync, deletes the service chains an earlier process left in the kernel, and nothing else', () => {
    const before = nat(iptablesRules(two(['10.1.0.1', '10.1.0.2'])).text);
    const now = iptablesRules({
      ...two(['10.1.0.1']),
      existingChains: [...before.declared, 'DOCKER', 'KUBE-SEP-notours'],
    });
    expect(now.full).toBe(true);
    const table = nat(now.text);
    expect(table.deleted.size).toBe(1);
    const [stale] = table.deleted;
    // The chain that sent traffic to the endpoint that is gone.
    expect(before.rules.some((r) => r.chain === stale && r.args.join(' ').includes('10.1.0.2:8080'))).toBe(true);
    expect(table.declared).toContain(stale);
    expect(table.rules.some((r) => r.chain === stale || r.target === stale)).toBe(false);
    for (const foreign of ['DOCKER', 'KUBE-SEP-notours', 'KUBE-SERVICES']) expect(table.deleted).not.toContain(foreign);
  });

  it('writes no service chain when nothing changed', () => {
    const first = iptablesRules(two(['10.1.0.1']));
    const again = iptablesRules({ ...two(['10.1.0.1']), previous: first.state });
    expect(again.changedServicePorts).toBe(0);
    expect([...nat(again.text).declared].filter((c) => /^KUBE-(SVC|SEP)-/.test(c))).toEqual([]);
  });

  it('deletes every chain of a removed service', () => {
    const first = iptablesRules(two(['10.1.0.1']));
    const gone = iptablesRules({ ...two(['10.1.0.1']), services: [two([]).services[0]], previous: first.state });
    const owned = [...nat(first.text).declared].filter((c) =>
      nat(first.text).rules.some((r) => r.chain === c && /10\.1\.1\.1/.test(r.args.join(' '))),
    );
    expect(owned.length).toBeGreaterThan(0);
    for (const chain of owned) expect(nat(gone.text).deleted).toContain(chain);
  });

  it('falls back to a full sync when node facts change', () => {
    const first = iptablesRules(two(['10.1.0.1']));
    expect(iptablesRules({ ...two(['10.1.0.1']), masqueradeBit: 13, previous: first.state }).full).toBe(true);
  });
});
