import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProxyState, endpointCount, type ProxyInput, type ServicePortState } from '../src/state/proxy-state.js';
import { carryOver } from '../src/state/state-diff.js';
import { endpointSlice, service } from './support/fixtures.js';

/** A frozen cluster: service `s` has `counts[s]` endpoints and one or two ports. */
function cluster(counts: readonly number[], salt: number[]): ProxyInput {
  const services = counts.map((_, s) =>
    Object.freeze(
      service(
        'ns',
        `s${s}`,
        `10.0.0.${s + 1}`,
        s % 2
          ? [{ port: 80 }]
          : [
              { name: 'a', port: 80 },
              { name: 'b', port: 81 },
            ],
      ),
    ),
  );
  const endpointSlices = counts.map((n, s) =>
    Object.freeze(
      endpointSlice(
        'ns',
        `s${s}`,
        s % 2
          ? [{ port: 8080 }]
          : [
              { name: 'a', port: 8080 },
              { name: 'b', port: 8081 },
            ],
        Array.from({ length: n }, (_, e) => ({ ip: `10.${s + 1}.${salt[s] ?? 0}.${e + 1}` })),
      ),
    ),
  );
  return { nodeName: 'node-1', nodeIPs: ['198.18.0.1'], services, endpointSlices };
}

describe('carryOver from a patched state', () => {
  it('pairs, reuses and renders exactly as the full merge walk does, and keeps the endpoint count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 4 })), { maxLength: 4 }),
        (counts, edits) => {
          const before = cluster(counts, []);
          const base = buildProxyState(before);
          const render = (port: ServicePortState) => ({ port, text: port.name });
          const previous = carryOver([], base.servicePorts, render).rendered;
          // Replace the slices of a few services (same service objects, new endpoints).
          const slices = [...before.endpointSlices];
          const salt: number[] = [];
          for (const [at, n] of edits) {
            const s = at % counts.length;
            salt[s] = (salt[s] ?? 0) + 1;
            slices[s] = cluster(
              counts.map((c, i) => (i === s ? n : c)),
              salt,
            ).endpointSlices[s];
          }
          const current = buildProxyState({ ...before, endpointSlices: slices }, base);
          const fast = carryOver(previous, current.servicePorts, render, base.servicePorts);
          const walk = carryOver(previous, current.servicePorts, render);
          expect(fast.rendered).toEqual(walk.rendered);
          expect(fast.written).toEqual(walk.written);
          expect(fast.dropped).toEqual(walk.dropped);
          expect(fast.rendered.map((r) => r.port)).toEqual(current.servicePorts);
          expect(endpointCount(current)).toBe(current.servicePorts.reduce((n, p) => n + p.endpoints.length, 0));
        },
      ),
    );
  });
});
