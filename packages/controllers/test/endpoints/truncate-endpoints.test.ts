import type { EndpointAddress } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { truncateEndpoints } from '../../src/endpoints/truncate-endpoints.js';

const addresses = (n: number, prefix: string): EndpointAddress[] =>
  Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));

// kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller_test.go, TestTruncateEndpoints:
// per subset, ready and not-ready addresses before, then after the cut to 1,000.
const upstream: [desc: string, ready: number[], notReady: number[], keptReady: number[], keptNotReady: number[]][] = [
  ['empty', [], [], [], []],
  [
    'total endpoints < max capacity',
    [50, 100, 100, 100, 100],
    [50, 100, 100, 100, 100],
    [50, 100, 100, 100, 100],
    [50, 100, 100, 100, 100],
  ],
  [
    'total endpoints = max capacity',
    [100, 100, 100, 100, 100],
    [100, 100, 100, 100, 100],
    [100, 100, 100, 100, 100],
    [100, 100, 100, 100, 100],
  ],
  [
    'total ready endpoints < max capacity, but total endpoints > max capacity',
    [90, 110, 50, 10, 20],
    [101, 200, 200, 201, 298],
    [90, 110, 50, 10, 20],
    [73, 144, 144, 145, 214],
  ],
  [
    'total ready endpoints > max capacity',
    [205, 400, 402, 400, 693],
    [100, 200, 200, 200, 300],
    [98, 191, 192, 191, 328],
    [0, 0, 0, 0, 0],
  ],
];

describe('truncateEndpoints (Kubernetes TestTruncateEndpoints)', () => {
  it.each(upstream)('%s', (_desc, ready, notReady, keptReady, keptNotReady) => {
    const subsets = ready.map((n, i) => ({
      addresses: addresses(n, `198.18.${i}`),
      notReadyAddresses: addresses(notReady[i] ?? 0, `198.19.${i}`),
      ports: [{ port: 8080 + i, protocol: 'TCP' as const }],
    }));
    const { subsets: kept, truncated } = truncateEndpoints(subsets);
    expect(kept.map((s) => s.addresses?.length ?? 0)).toEqual(keptReady);
    expect(kept.map((s) => s.notReadyAddresses?.length ?? 0)).toEqual(keptNotReady);
    expect(truncated).toBe(ready.reduce((a, b) => a + b, 0) + notReady.reduce((a, b) => a + b, 0) > 1000);
    // What is kept is each list's head, with the subset's ports.
    kept.forEach((s, i) => {
      expect(s.addresses?.[0]?.ip).toBe(ready[i] ? `198.18.${i}.0` : undefined);
      expect(s.ports).toEqual([{ port: 8080 + i, protocol: 'TCP' }]);
    });
  });

  it('drops a subset left with no address, which Endpoints validation would refuse', () => {
    const { subsets } = truncateEndpoints(
      [{ notReadyAddresses: addresses(3, '198.18.0') }, { addresses: addresses(5, '198.18.1') }],
      4,
    );
    expect(subsets).toEqual([{ addresses: addresses(4, '198.18.1') }]);
  });
});
