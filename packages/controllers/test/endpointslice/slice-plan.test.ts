import type { Pod } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../src/endpointslice/discovery-types.js';
import { planSlices } from '../../src/endpointslice/slice-plan.js';
import type { PodEndpoint } from '../../src/service-backends/pod-endpoint.js';

function endpoint(i: number, ready: boolean, port: number): PodEndpoint {
  const pod = { metadata: { name: `p${i}`, namespace: 'default', uid: `uid-${i}` } } as Pod;
  return {
    pod,
    ip: `198.18.0.${i}`,
    ready,
    serving: ready,
    terminating: false,
    ports: [{ port, protocol: 'TCP' }],
    portsKey: `/TCP/${port}`,
  };
}

/** Applies a plan to a list of slices, as the Api would. */
function apply(slices: EndpointSlice[], plan: ReturnType<typeof planSlices>, next: { n: number }): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata.name));
  const updated = new Map(plan.update.map((s) => [s.metadata.name, s]));
  const out = slices.filter((s) => !gone.has(s.metadata.name)).map((s) => updated.get(s.metadata.name) ?? s);
  for (const c of plan.create) {
    out.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `s${next.n++}` },
      addressType: 'IPv4',
      ...c,
    });
  }
  return out;
}

describe('planSlices', () => {
  it('places every desired endpoint exactly once, in slices of at most the limit with its own port set, and converges', () => {
    const state = fc.array(
      fc.record({ id: fc.integer({ min: 1, max: 60 }), ready: fc.boolean(), port: fc.constantFrom(80, 81) }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 10 }), (states, max) => {
        let slices: EndpointSlice[] = [];
        const next = { n: 0 };
        for (const s of states) {
          const unique = new Map(s.map((e) => [e.id, endpoint(e.id, e.ready, e.port)]));
          const desired = [...unique.values()];
          slices = apply(slices, planSlices(slices, desired, max), next);
          const placed = slices.flatMap((sl) =>
            sl.endpoints.map((e) => `${e.targetRef?.uid}:${sl.ports?.[0]?.port}:${e.conditions?.ready}`),
          );
          expect(placed.sort()).toEqual(
            desired.map((d) => `${d.pod.metadata.uid}:${d.ports[0].port}:${d.ready}`).sort(),
          );
          for (const sl of slices) expect(sl.endpoints.length).toBeLessThanOrEqual(max);
          if (desired.length === 0) expect(slices).toHaveLength(1);
          const again = planSlices(slices, desired, max);
          expect(again.create.length + again.update.length + again.delete.length).toBe(0);
        }
      }),
    );
  });
});
