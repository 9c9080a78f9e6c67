import { FakeClock, InvalidError, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServiceCidr } from '../../src/service/cidr.js';
import { allocatingApi, service } from './service-fixtures.js';

describe('parseServiceCidr', () => {
  it.each([
    ['10.96.0.0/12', '10.96.0.1', '10.111.255.254'],
    ['198.18.0.0/16', '198.18.0.1', '198.18.255.254'],
    ['198.18.5.7/24', '198.18.5.1', '198.18.5.254'],
  ])('%s spans %s .. %s (network and broadcast left out)', (cidr, first, last) => {
    const r = parseServiceCidr(cidr);
    expect([r.first, r.last].map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))).toEqual([
      first,
      last,
    ]);
  });
  it.each(['10.0.0.0', '10.0.0.0/40', '::1/64', '10.0.0.0/4'])('refuses %s', (cidr) => {
    expect(() => parseServiceCidr(cidr)).toThrow(/must be IPv4/);
  });
});

describe('Service allocation (admission)', () => {
  const stores: MemoryStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  function fixture() {
    const store = new MemoryStore();
    stores.push(store);
    const clock = new FakeClock();
    return { store, clock, ...allocatingApi(store, clock) };
  }

  it('gives a ClusterIP from the CIDR and sets clusterIPs', async () => {
    const { services } = fixture();
    const a = await services.create(service('a'));
    const b = await services.create(service('b'));
    expect(a.spec.clusterIP).toBe('198.18.0.1');
    expect(a.spec.clusterIPs).toEqual(['198.18.0.1']);
    expect(b.spec.clusterIP).toBe('198.18.0.2');
  });

  it('honours a free requested IP and refuses a taken one naming the field', async () => {
    const { services } = fixture();
    expect((await services.create(service('a', { clusterIP: '198.18.7.7' }))).spec.clusterIP).toBe('198.18.7.7');
    const err = await services.create(service('b', { clusterIP: '198.18.7.7' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).message).toMatch(/spec\.clusterIP.*198\.18\.7\.7.*already allocated/);
    const outside = await services.create(service('c', { clusterIP: '10.0.0.1' })).catch((e: unknown) => e);
    expect((outside as InvalidError).message).toMatch(/not in the valid range 198\.18\.0\.0\/16/);
  });

  it('gives headless and ExternalName services no IP', async () => {
    const { services, allocations } = fixture();
    expect((await services.create(service('h', { clusterIP: 'None' }))).spec.clusterIP).toBe('None');
    const ext = await services.create(
      service('e', { type: 'ExternalName', externalName: 'db.example.com', ports: [] }),
    );
    expect(ext.spec.clusterIP).toBeUndefined();
    expect(allocations.ips.used).toBe(0);
  });

  it('allocates node ports, honours requested ones and refuses conflicts and out-of-range ports', async () => {
    const { services } = fixture();
    const a = await services.create(
      service('a', {
        type: 'NodePort',
        ports: [
          { name: 'http', port: 80 },
          { name: 'https', port: 443 },
        ],
      }),
    );
    expect(a.spec.ports?.map((p) => p.nodePort)).toEqual([30000, 30001]);
    const b = await services.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }));
    expect(b.spec.ports?.[0].nodePort).toBe(30005);
    const clash = await services
      .create(service('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }))
      .catch((e: unknown) => e);
    expect((clash as Error).message).toMatch(/spec\.ports\[0\]\.nodePort.*30005.*already allocated/);
    const range = await services
      .create(service('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }))
      .catch((e: unknown) => e);
    expect((range as Error).message).toMatch(/range of valid ports is 30000-30009/);
  });

  it('refuses with a clear error when the range is full, and allocates nothing for the refused service', async () => {
    const { services, allocations } = fixture();
    for (let i = 0; i < 10; i++) await services.create(service(`s${i}`, { type: 'NodePort' }));
    const err = await services.create(service('full', { type: 'NodePort' })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no node ports left in 30000-30009/);
    expect(allocations.ips.used).toBe(10);
  });

  it('releases on delete and on a type change, and keeps node ports across updates', async () => {
    const { services, allocations, clock } = fixture();
    const a = await services.create(service('a', { type: 'NodePort' }));
    const port = a.spec.ports?.[0].nodePort;
    const updated = await services.update({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(updated.spec.ports?.[0].nodePort).toBe(port);
    const { externalTrafficPolicy: _, ...clusterIPSpec } = updated.spec;
    await services.update({
      ...updated,
      spec: { ...clusterIPSpec, type: 'ClusterIP', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
    });
    await clock.flush();
    expect(allocations.ports.used).toBe(0);
    await services.delete('default', 'a');
    await clock.flush();
    expect(allocations.ips.used).toBe(0);
  });

  it('allocates nothing on a dry run', async () => {
    const { services, allocations } = fixture();
    const dry = await services.create(service('a'), { dryRun: true });
    expect(dry.spec.clusterIP).toBe('198.18.0.1');
    expect(allocations.ips.used).toBe(0);
  });

  it('rebuilds from the store after a restart, and frees leaked allocations after the grace period', async () => {
    const f = fixture();
    await f.services.create(service('a', { type: 'NodePort' }));
    const restarted = allocatingApi(f.store, f.clock);
    await restarted.allocations.ready();
    const b = await restarted.services.create(service('b', { type: 'NodePort' }));
    expect(b.spec.clusterIP).not.toBe('198.18.0.1');
    expect(b.spec.ports?.[0].nodePort).not.toBe(30000);
    // A write that passed admission but never reached the store leaks its values until repair.
    restarted.allocations.ips.allocate(0xc612_0909, 'lost-uid', f.clock.now());
    await restarted.allocations.repair();
    expect(restarted.allocations.ips.ownerOf(0xc612_0909)).toBe('lost-uid');
    await f.clock.step(61_000);
    await restarted.allocations.repair();
    expect(restarted.allocations.ips.ownerOf(0xc612_0909)).toBeUndefined();
    expect(restarted.allocations.ips.used).toBe(2);
  });
});
