import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';
import { danglingJumps, destinations, option, parseRestore } from './support/iptables-parse.js';
import { danglingGotos, lookup, parseNft } from './support/nft-parse.js';

/** Random clusters: services with 0..6 endpoints, some not ready, some with affinity. */
const clusterArb = fc
  .uniqueArray(
    fc.record({
      id: fc.integer({ min: 1, max: 200 }),
      endpoints: fc.array(fc.boolean(), { maxLength: 6 }),
      affinity: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8, selector: (s) => s.id },
  )
  .map((specs): ProxyInput & { expected: Map<string, string[]> } => {
    const expected = new Map<string, string[]>();
    const services = specs.map((s) =>
      service('ns', `s${s.id}`, `10.0.0.${s.id}`, [{ port: 80 }], s.affinity ? { sessionAffinity: 'ClientIP' } : {}),
    );
    const endpointSlices = specs.map((s) => {
      const eps = s.endpoints.map((ready, i) => ({ ip: `10.${s.id}.0.${i + 1}`, ready }));
      expected.set(
        `10.0.0.${s.id}`,
        eps.filter((e) => e.ready).map((e) => `${e.ip}:8080`),
      );
      return endpointSlice('ns', `s${s.id}`, [{ port: 8080 }], eps);
    });
    return { nodeName: 'node-1', nodeIPs: ['198.18.0.1'], services, endpointSlices, expected };
  });

describe('generator properties', () => {
  it('iptables: every service reaches exactly its ready endpoints, evenly, with no dangling jump', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const tables = parseRestore(iptablesRules(cluster).text);
        for (const table of tables.values()) expect(danglingJumps(table)).toEqual([]);
        const nat = tables.get('nat')!;
        for (const [ip, eps] of cluster.expected) {
          const jump = nat.rules.find((r) => r.chain === 'KUBE-SERVICES' && option(r, '-d') === `${ip}/32`);
          if (eps.length === 0) {
            expect(jump).toBeUndefined();
            continue;
          }
          const reached = destinations(nat, jump!.target);
          expect([...reached.keys()].sort()).toEqual([...eps].sort());
          for (const p of reached.values()) expect(p).toBeCloseTo(1 / eps.length, 8);
        }
      }),
    );
  });

  it('nftables: every service maps to exactly its ready endpoints, with no dangling goto', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const parsed = parseNft(nftablesRules(cluster).text);
        expect(danglingGotos(parsed)).toEqual([]);
        for (const [ip, eps] of cluster.expected) {
          const key = `${ip} . tcp . 80`;
          const verdict = lookup(parsed, 'service-ips', key);
          if (eps.length === 0) {
            expect(verdict).toBeUndefined();
            expect(lookup(parsed, 'no-endpoint-services', key)).toBe('goto reject-chain');
            continue;
          }
          const chain = verdict!.replace('goto ', '');
          const targets = chain.startsWith('lb-')
            ? parsed.added
                .get(`${chain}-endpoints`)!
                .filter((e) => e.startsWith(`${key} . `))
                .map((e) => e.split(' : ')[1].replace(' . ', ':'))
            : parsed.chains
                .get(chain)!
                .filter((r) => r.startsWith('ip saddr @'))
                .map((r) => {
                  const ep = /goto (\S+)/.exec(r)![1];
                  return /dnat ip to (\S+)/.exec(parsed.chains.get(ep)![1])![1];
                });
          expect(targets.sort()).toEqual([...eps].sort());
        }
      }),
    );
  });

  it('a partial iptables sync after any change equals, chain for chain, a full sync of the new state', () => {
    fc.assert(
      fc.property(clusterArb, clusterArb, (before, after) => {
        const first = iptablesRules(before);
        const partial = parseRestore(iptablesRules({ ...after, previous: first.state }).text).get('nat')!;
        const full = parseRestore(iptablesRules(after).text).get('nat')!;
        // Chains the partial sync declares carry exactly the rules the full sync gives them.
        for (const chain of partial.declared) {
          if (partial.deleted.has(chain)) continue;
          expect(partial.rules.filter((r) => r.chain === chain)).toEqual(full.rules.filter((r) => r.chain === chain));
        }
        // Chains the full sync has but the partial one does not touch were written before, unchanged.
        const before1 = parseRestore(first.text).get('nat')!;
        for (const chain of full.declared) {
          if (partial.declared.has(chain)) continue;
          expect(before1.rules.filter((r) => r.chain === chain)).toEqual(full.rules.filter((r) => r.chain === chain));
        }
      }),
    );
  });
});
