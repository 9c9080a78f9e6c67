import { Api, FakeClock, type Lease, MemoryStore } from '@flotilla/core';
import { describe, expect, it, vi } from 'vitest';
import { NODE_LEASE_NAMESPACE, renewNodeLease } from '../src/index.js';

const NODE = 'node-a';

/** An Api with this node's Lease written once, and what the node last got back. */
async function renewedOnce() {
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  const latest = await renewNodeLease(api, clock, NODE, 'node-uid');
  const leases = api.resource('Lease');
  const get = vi.spyOn(leases, 'get');
  await clock.step(10_000);
  return { api, clock, leases, get, latest };
}

describe('renewNodeLease', () => {
  it('makes the Lease, owned by its Node, on the first renewal', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const lease = await renewNodeLease(api, clock, NODE, 'node-uid');
    expect(lease.metadata).toMatchObject({
      namespace: NODE_LEASE_NAMESPACE,
      name: NODE,
      ownerReferences: [{ kind: 'Node', name: NODE, uid: 'node-uid' }],
    });
    expect(lease.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
    expect(lease.spec.acquireTime).toBe(lease.spec.renewTime);
  });

  // The kubelet's lease controller (k8s.io/component-helpers/apimachinery/lease/controller.go) renews from the
  // Lease it last wrote and reads only when that fails.
  const cases: { name: string; meanwhile: (api: Api, latest: Lease) => Promise<unknown>; reads: number }[] = [
    { name: 'the Lease last written is current: renewed with no read', meanwhile: async () => {}, reads: 0 },
    {
      name: 'another writer changed it (Conflict): read, then renewed',
      meanwhile: (api) =>
        api.resource('Lease').patch(NODE_LEASE_NAMESPACE, NODE, { metadata: { labels: { touched: 'yes' } } }),
      reads: 1,
    },
    {
      name: 'it was deleted (NotFound): looked for, then made again',
      meanwhile: (api) => api.resource('Lease').delete(NODE_LEASE_NAMESPACE, NODE),
      reads: 1,
    },
  ];
  for (const { name, meanwhile, reads } of cases) {
    it(name, async () => {
      const { api, clock, leases, get, latest } = await renewedOnce();
      await meanwhile(api, latest);
      const renewed = await renewNodeLease(api, clock, NODE, 'node-uid', latest);
      expect(get).toHaveBeenCalledTimes(reads);
      const stored = await leases.get(NODE_LEASE_NAMESPACE, NODE);
      expect(stored.metadata.resourceVersion).toBe(renewed.metadata.resourceVersion);
      expect(Date.parse(stored.spec.renewTime!) - Date.parse(latest.spec.renewTime!)).toBe(10_000);
    });
  }

  it('passes any other failure of the write to its caller', async () => {
    const { api, clock, latest } = await renewedOnce();
    api.addAdmissionHook({
      name: 'refuse-lease-updates',
      kinds: ['Lease'],
      operations: ['UPDATE'],
      admit() {
        throw new Error('lease writes are refused');
      },
    });
    await expect(renewNodeLease(api, clock, NODE, 'node-uid', latest)).rejects.toThrow('lease writes are refused');
  });
});
