import type { Service } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProxyState, statePatch } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';

const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };

/** An ExternalName Service; it keeps a `clusterIP` only so the property test can turn it back. */
const alias = (namespace: string, name: string, externalName: string, clusterIP?: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace, name },
  spec: { type: 'ExternalName', externalName, ...(clusterIP && { clusterIP }) },
});

describe('buildProxyState', () => {
  it('normalizes one port per service port, named ns/svc:port, with its endpoints sorted and flagged', () => {
    const state = buildProxyState({
      ...node,
      services: [
        service('ns', 'web', '10.0.0.1', [
          { name: 'https', port: 443 },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ]),
      ],
      endpointSlices: [
        endpointSlice(
          'ns',
          'web',
          [{ name: 'https', port: 8443 }],
          [
            { ip: '10.1.0.10', node: 'node-1' },
            { ip: '10.1.0.9', node: 'node-2' },
          ],
          'web-a',
        ),
        endpointSlice(
          'ns',
          'web',
          [{ name: 'dns', port: 5353, protocol: 'UDP' }],
          [{ ip: '10.1.0.9', ready: false }],
          'web-b',
        ),
      ],
    });
    expect(state.servicePorts.map((p) => [p.name, p.protocol, p.port])).toEqual([
      ['ns/web:dns', 'udp', 53],
      ['ns/web:https', 'tcp', 443],
    ]);
    const https = state.servicePorts[1];
    expect(https.endpoints.map((e) => [e.ip, e.port, e.isLocal])).toEqual([
      ['10.1.0.9', 8443, false],
      ['10.1.0.10', 8443, true],
    ]);
    expect(https.localEndpoints.map((e) => e.ip)).toEqual(['10.1.0.10']);
    expect(state.servicePorts[0].clusterEndpoints).toEqual([]);
  });

  it('keeps headless services (for DNS) without a ClusterIP and lists ExternalName services apart from the ports', () => {
    const state = buildProxyState({
      ...node,
      services: [
        service('ns', 'db', 'None', [{ port: 5432 }]),
        alias('ns', 'ext', 'example.com'),
        alias('ns', 'dotted', 'www.example.org.'),
        alias('a-ns', 'ext', 'other.example'),
      ],
      endpointSlices: [],
    });
    expect(state.servicePorts.map((p) => [p.name, p.clusterIP])).toEqual([['ns/db', undefined]]);
    expect(state.externalNames).toEqual([
      { namespace: 'a-ns', name: 'ext', externalName: 'other.example' },
      { namespace: 'ns', name: 'dotted', externalName: 'www.example.org' },
      { namespace: 'ns', name: 'ext', externalName: 'example.com' },
    ]);
    expect(buildProxyState({ ...node, services: [], endpointSlices: [] }).externalNames).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['only a dot', '.'],
    ['upper case', 'Example.com'],
    ['an underscore', 'my_host.example.com'],
    ['an empty label', 'a..example.com'],
    ['two trailing dots', 'example.com..'],
    ['a URL', 'https://example.com'],
    ['longer than 253 characters', `${'a'.repeat(60)}.`.repeat(5)],
    ['not a string', 42],
  ])('leaves out an ExternalName service whose externalName is %s, naming spec.externalName', (_, target) => {
    const bad = { ...alias('ns', 'ext', 'x'), spec: { type: 'ExternalName', externalName: target } } as Service;
    const state = buildProxyState({ ...node, services: [bad, alias('ns', 'ok', 'example.com')], endpointSlices: [] });
    expect(state.externalNames?.map((a) => a.name)).toEqual(['ok']);
    expect(state.skipped).toMatchObject([
      { kind: 'Service', service: 'ns/ext', fields: [{ field: 'spec.externalName' }] },
    ]);
  });

  it('leaves out an ExternalName service whose own name could not be a DNS name', () => {
    const bad = alias('ns', 'Ext.1', 'example.com');
    const state = buildProxyState({ ...node, services: [bad], endpointSlices: [] });
    expect(state.externalNames).toEqual([]);
    expect(state.skipped?.[0].fields.map((f) => f.field)).toEqual(['metadata.name']);
  });

  it('patches ExternalName changes in, keeping the list when no alias changed', () => {
    const web = Object.freeze(service('ns', 'web', '10.0.0.1', [{ port: 80 }]));
    const ext = Object.freeze(alias('ns', 'ext', 'a.example.com'));
    const slice = Object.freeze(endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }]));
    const first = buildProxyState({ ...node, services: [web, ext], endpointSlices: [slice] });

    const moved = Object.freeze(endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.2' }]));
    const endpointsOnly = buildProxyState({ ...node, services: [web, ext], endpointSlices: [moved] }, first);
    expect(endpointsOnly.externalNames).toBe(first.externalNames);

    const retargeted = Object.freeze(alias('ns', 'ext', 'b.example.com'));
    const second = buildProxyState({ ...node, services: [web, retargeted], endpointSlices: [slice] }, first);
    expect(second.externalNames).toEqual([{ namespace: 'ns', name: 'ext', externalName: 'b.example.com' }]);
    expect(statePatch(second.servicePorts)?.basePorts).toBe(first.servicePorts);

    const webAlias = Object.freeze(alias('ns', 'web', 'c.example.com'));
    const third = buildProxyState({ ...node, services: [webAlias, retargeted], endpointSlices: [slice] }, second);
    expect(third.servicePorts).toEqual([]);
    expect(third.externalNames?.map((e) => [e.name, e.externalName])).toEqual([
      ['ext', 'b.example.com'],
      ['web', 'c.example.com'],
    ]);

    const back = buildProxyState({ ...node, services: [web, retargeted], endpointSlices: [slice] }, third);
    expect(back.servicePorts.map((p) => p.name)).toEqual(['ns/web']);
    expect(back.externalNames?.map((e) => e.name)).toEqual(['ext']);
  });

  it('deduplicates an endpoint listed in two slices', () => {
    const state = buildProxyState({
      ...node,
      services: [service('ns', 'web', '10.0.0.1', [{ port: 80 }])],
      endpointSlices: [
        endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }], 'a'),
        endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }], 'b'),
      ],
    });
    expect(state.servicePorts[0].endpoints).toHaveLength(1);
  });

  it('reuses the normalized ports of unchanged frozen objects, and re-reads changed ones', () => {
    const svc = Object.freeze(service('ns', 'web', '10.0.0.1', [{ port: 80 }]));
    const slice = Object.freeze(endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }]));
    const first = buildProxyState({ ...node, services: [svc], endpointSlices: [slice] });
    const same = buildProxyState({ ...node, services: [svc], endpointSlices: [slice] });
    expect(same.servicePorts[0]).toBe(first.servicePorts[0]);
    const otherNode = buildProxyState({ ...node, nodeName: 'node-2', services: [svc], endpointSlices: [slice] });
    expect(otherNode.servicePorts[0]).not.toBe(first.servicePorts[0]);
    const thawed = { ...svc };
    expect(buildProxyState({ ...node, services: [thawed], endpointSlices: [slice] }).servicePorts[0]).not.toBe(
      first.servicePorts[0],
    );
    const moved = Object.freeze(endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.2' }]));
    const changed = buildProxyState({ ...node, services: [svc], endpointSlices: [moved] });
    expect(changed.servicePorts[0].endpoints[0].ip).toBe('10.1.0.2');
  });

  it('is deterministic: any order of the same objects gives the same state (property)', () => {
    const arb = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 4 })), {
      minLength: 1,
      maxLength: 12,
      selector: ([s]) => s,
    });
    fc.assert(
      fc.property(arb, fc.integer(), (specs, seed) => {
        const services = specs.map(([s]) => service('ns', `s${s}`, `10.0.0.${s}`, [{ port: 80 }]));
        const slices = specs.map(([s, n]) =>
          endpointSlice(
            'ns',
            `s${s}`,
            [{ port: 8080 }],
            Array.from({ length: n }, (_, i) => ({ ip: `10.${s}.0.${i + 1}` })),
          ),
        );
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => [x, (i * 7919 + seed) % 1009] as const)
            .sort((a, b) => a[1] - b[1])
            .map(([x]) => x);
        const a = buildProxyState({ ...node, services, endpointSlices: slices });
        const b = buildProxyState({ ...node, services: shuffle(services), endpointSlices: shuffle(slices) });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
    );
  });

  it('with the previous state, equals a rebuild after any replacement (ExternalName or not), addition or removal of frozen objects (property)', () => {
    const cluster = (n: number) => ({
      services: Array.from({ length: n }, (_, s) =>
        Object.freeze(service('ns', `s${s}`, `10.0.0.${s + 1}`, [{ name: 'p', port: 80 }])),
      ),
      slices: Array.from({ length: n }, (_, s) =>
        Object.freeze(endpointSlice('ns', `s${s}`, [{ name: 'p', port: 8080 }], [{ ip: `10.${s}.0.1` }])),
      ),
    });
    const change = fc.oneof(
      fc.record({ kind: fc.constant('slice' as const), at: fc.nat(), ip: fc.integer({ min: 1, max: 250 }) }),
      fc.record({ kind: fc.constant('service' as const), at: fc.nat(), port: fc.integer({ min: 1, max: 9000 }) }),
      fc.record({ kind: fc.constant('rename' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('alias' as const),
        at: fc.nat(),
        target: fc.constantFrom('a.example', 'b.example'),
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(change, { maxLength: 6 }), (n, changes) => {
        const { services, slices } = cluster(n);
        let previous = buildProxyState({ ...node, services, endpointSlices: slices });
        for (const c of changes) {
          const i = c.at % services.length;
          if (services.length === 0) break;
          const name = services[i].metadata.name;
          if (c.kind === 'slice') {
            const j = slices.findIndex((sl) => sl.metadata.labels?.['kubernetes.io/service-name'] === name);
            if (j >= 0)
              slices[j] = Object.freeze(
                endpointSlice('ns', name, [{ name: 'p', port: 8080 }], [{ ip: `10.99.0.${c.ip}` }]),
              );
          } else if (c.kind === 'service') {
            services[i] = Object.freeze(
              service('ns', name, services[i].spec.clusterIP!, [{ name: 'p', port: c.port }]),
            );
          } else if (c.kind === 'rename') {
            services[i] = Object.freeze(
              service('ns', `${name}x`, services[i].spec.clusterIP!, [{ name: 'p', port: 80 }]),
            );
          } else if (c.kind === 'alias') {
            services[i] = Object.freeze(alias('ns', name, c.target, services[i].spec.clusterIP));
          } else {
            services.splice(i, 1);
          }
          const input = { ...node, services: [...services], endpointSlices: [...slices] };
          const patched = buildProxyState(input, previous);
          expect(JSON.stringify(patched)).toBe(JSON.stringify(buildProxyState(input)));
          previous = patched;
        }
      }),
    );
  });
});
