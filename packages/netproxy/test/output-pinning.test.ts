import { createHash } from 'node:crypto';
import type { Service } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import type { EndpointSlice } from '../src/state/discovery-types.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { type EndpointSpec, endpointSlice, nthAddress, service } from './support/fixtures.js';

/**
 * Pins the generators' output bytes for fixed inputs, so that performance
 * work can prove it changed nothing: the digests below were taken from the
 * generators before they were optimized. A deliberate change of the rule
 * layout updates them (and says so in its commit).
 */

/** Service spec variants, one per `s % 6`: every rendering branch of both generators. */
const variants: Partial<Service['spec']>[] = [
  {},
  { type: 'NodePort' },
  { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.18.64.0/18'], externalIPs: ['198.18.1.9'] },
  { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } },
  { type: 'NodePort', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP' },
  { internalTrafficPolicy: 'Local', externalIPs: ['198.18.2.9'] },
];

/** Endpoint `e` of service `s`: some on this node, some not ready, some terminating, per a fixed pattern. */
function endpoint(s: number, e: number, perService: number): EndpointSpec {
  const k = s * perService + e;
  return {
    ip: nthAddress([10, 128], k + 1),
    node: `node-${k % 3}`,
    ready: k % 7 !== 3,
    serving: k % 7 !== 3 || k % 2 === 0,
    terminating: k % 7 === 3,
  };
}

/** A cluster of `count` services (`endpoints(s)` endpoints each), `variants` rotating, frozen like an informer cache. */
function cluster(count: number, endpoints: (s: number) => number): ProxyInput {
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (let s = 0; s < count; s++) {
    const name = `svc-${s}`;
    const ports = [
      { name: 'http', port: 80, ...(s % 6 === 1 || s % 6 === 4 ? { nodePort: 30000 + s } : {}) },
      ...(s % 4 === 0 ? [{ name: 'dns', port: 53, protocol: 'UDP' as const }] : []),
    ];
    services.push(
      Object.freeze(
        service('pin', name, nthAddress([10, 96], s + 1), ports, variants[s % variants.length], {
          loadBalancer: { ingress: [{ ip: nthAddress([198, 19], s + 1) }] },
        }),
      ),
    );
    const n = endpoints(s);
    const eps = Array.from({ length: n }, (_, e) => endpoint(s, e, 16));
    endpointSlices.push(
      Object.freeze(
        endpointSlice(
          'pin',
          name,
          [
            { name: 'http', port: 8080 },
            { name: 'dns', port: 5353, protocol: 'UDP' },
          ],
          eps,
        ),
      ),
    );
  }
  return { nodeName: 'node-0', nodeIPs: ['198.18.0.1'], clusterCIDR: '10.128.0.0/9', services, endpointSlices };
}

/** `input` with service `index`'s slice replaced by one with other endpoints. */
function withChangedEndpoints(input: ProxyInput, index: number): ProxyInput {
  const slices = [...input.endpointSlices];
  const eps = [0, 1, 2].map((e) => endpoint(index + 5000, e, 16));
  slices[index] = Object.freeze(endpointSlice('pin', `svc-${index}`, [{ name: 'http', port: 8080 }], eps));
  return { ...input, endpointSlices: slices };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Digests of a full sync and of two partial syncs (one endpoint change, then back to the first input). */
function digests(input: ProxyInput) {
  const changed = withChangedEndpoints(input, 3);
  const ipt = iptablesRules(input);
  const iptChanged = iptablesRules({ ...changed, previous: ipt.state });
  const iptBack = iptablesRules({ ...input, previous: iptChanged.state });
  const nft = nftablesRules(input);
  const nftChanged = nftablesRules({ ...changed, previous: nft.state });
  const nftBack = nftablesRules({ ...input, previous: nftChanged.state });
  expect([iptChanged.full, iptBack.full, nftChanged.full, nftBack.full]).toEqual([false, false, false, false]);
  return {
    iptablesFull: sha256(ipt.text),
    iptablesPartial: sha256(iptChanged.text),
    iptablesBack: sha256(iptBack.text),
    nftablesFull: sha256(nft.text),
    nftablesPartial: sha256(nftChanged.text),
    nftablesBack: sha256(nftBack.text),
  };
}

describe('generator output bytes', () => {
  it.each([
    {
      what: 'a small cluster with rule comments (every variant, 0-5 endpoints)',
      input: () => cluster(60, (s) => s % 6),
      expected: {
        iptablesFull: '70f56ba8dff297672dbf886c7fec3a670c4b16b793ffd95e334cd7abef1a2a21',
        iptablesPartial: 'bf84c1ce0fba31df6e9db52c4b1e13f9a90bd7fff2a70ee0edd33207bb5701d0',
        iptablesBack: '1df37c8af4db15bfbbeb2723655934b44b8e3221e9e7d9bc17eee0a642fdb9f8',
        nftablesFull: '5ea53991a0b704276c2572048680f539c3160a555da22a11bca436eedeb71c96',
        nftablesPartial: 'b4da63ca4fa8fd6edc548a13970b7b99682f4cbb8444f57beed738f63dc15e77',
        nftablesBack: 'daad73bb7250ed705b21315595a813a0aa9535679675089685ee201f04ae1a9b',
      },
    },
    {
      what: 'a cluster above 1,000 endpoints (no rule comments)',
      input: () => cluster(180, (s) => 4 + (s % 9)),
      expected: {
        iptablesFull: '8d478654b337b0e91e62d38c73188ab5e66521faa598fba932857e7ad84e455d',
        iptablesPartial: '231e43af40d89362738e1a0389a3e8d2a8edd6051cd65b8b06b2739b3a9f2dac',
        iptablesBack: '62ad89812b56ff4350ad982610eba0ccd2d114c5e78272b88db274f4212bee69',
        nftablesFull: '82816ddc04021f6b49fc6fba6dbb313ec34fffe76289ecf7d086f11f7b0cba0d',
        nftablesPartial: '7898e2b116f5632d0be2131fda60c116dd5d3dbc9918a946cd5ad0e2dd951610',
        nftablesBack: 'd0e6f987f94a0efe61cf183cb462075027b580dfbc45bfea6660bf72f8ae8de5',
      },
    },
  ])('are the pinned ones for $what', ({ input, expected }) => {
    expect(digests(input())).toEqual(expected);
  });
});
