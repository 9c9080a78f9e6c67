import type { Server } from 'node:net';
import { FakeClock } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProxyState, type ProxyState } from '../src/state/proxy-state.js';
import { UserspaceProxy } from '../src/userspace/userspace-proxy.js';
import { endpointSlice, service } from './support/fixtures.js';
import { closeAll, nameServer, readAll } from './support/tcp.js';

interface Backend {
  name: string;
  ip: string;
  port: number;
}

describe('UserspaceProxy over loopback', () => {
  const servers: Server[] = [];
  let backends: Backend[] = [];
  let proxy: UserspaceProxy;
  let clock: FakeClock;

  const state = (
    eps: Backend[],
    extra = {},
    ports: { name: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[] = [{ name: 'tcp', port: 80 }],
  ): ProxyState =>
    buildProxyState({
      nodeName: 'node-1',
      nodeIPs: ['127.0.0.1'],
      services: [service('default', 'web', '10.96.0.10', ports, extra)],
      endpointSlices: eps.map((b) =>
        endpointSlice('default', 'web', [{ name: 'tcp', port: b.port }], [{ ip: b.ip }], `web-${b.name}`),
      ),
    });
  const call = () => {
    const address = proxy.address('default/web:tcp')!;
    return readAll(address.host, address.port);
  };
  const tally = async (n: number) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const name = await call();
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };

  beforeEach(async () => {
    backends = [];
    for (const [i, ip] of ['127.0.0.2', '127.0.0.3', '127.0.0.4'].entries()) {
      const { server, port } = await nameServer(`b${i}`, ip);
      servers.push(server);
      backends.push({ name: `b${i}`, ip, port });
    }
    clock = new FakeClock();
    proxy = new UserspaceProxy({ clock });
  });
  afterEach(async () => {
    await proxy.stop();
    await closeAll(servers.splice(0));
  });

  it('forwards connections to the ready endpoints round-robin', async () => {
    await proxy.update(state(backends));
    expect(proxy.address('default/web:tcp')?.host).toBe('127.0.0.1');
    expect(await tally(9)).toEqual({ b0: 3, b1: 3, b2: 3 });
  });

  it('pins a client to one endpoint under ClientIP affinity until the timeout passes', async () => {
    await proxy.update(
      state(backends, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }),
    );
    const first = await call();
    expect(await tally(4)).toEqual({ [first]: 4 });
    await clock.step(61_000);
    // The pin expired: the next connection follows round-robin, which moved on while the client was pinned.
    expect(await call()).not.toBe(first);
  });

  it('retries another endpoint when one refuses the connection', async () => {
    const dead = await nameServer('dead', '127.0.0.5');
    await closeAll([dead.server]);
    await proxy.update(state([{ name: 'dead', ip: '127.0.0.5', port: dead.port }, ...backends.slice(0, 2)]));
    const counts = await tally(6);
    expect(counts.dead).toBeUndefined();
    expect((counts.b0 ?? 0) + (counts.b1 ?? 0)).toBe(6);
  });

  it('resets clients at once when the service has no endpoint', async () => {
    await proxy.update(state([]));
    await expect(call()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('follows updates live: a removed endpoint gets no traffic, a removed service stops listening', async () => {
    await proxy.update(state(backends));
    const address = proxy.address({ namespace: 'default', service: 'web', port: 'tcp' })!;
    expect(address).toEqual(proxy.address('default/web:tcp'));
    await proxy.update(state(backends.slice(1)));
    expect(proxy.address('default/web:tcp')).toEqual(address);
    expect((await tally(6)).b0).toBeUndefined();
    await proxy.update({ nodeName: 'node-1', nodeIPs: [], services: [], endpointSlices: [] });
    expect(proxy.address({ namespace: 'default', service: 'web', port: 'tcp' })).toBeUndefined();
    await expect(readAll(address.host, address.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('listens on the port chosen by portFor, for TCP and UDP ports alike, and skips SCTP', async () => {
    const free = await nameServer('probe', '127.0.0.1');
    await closeAll([free.server]);
    await proxy.stop();
    proxy = new UserspaceProxy({ clock, portFor: () => free.port });
    await proxy.update(
      state(backends, {}, [
        { name: 'tcp', port: 80 },
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'sig', port: 9, protocol: 'SCTP' },
      ]),
    );
    // One number, two protocols: a TCP and a UDP socket may share it.
    expect(Object.fromEntries(proxy.addresses())).toEqual({
      'default/web:tcp': { host: '127.0.0.1', port: free.port },
      'default/web:dns': { host: '127.0.0.1', port: free.port },
    });
  });
});
