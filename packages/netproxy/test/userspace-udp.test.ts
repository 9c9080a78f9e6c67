import { createSocket, type Socket } from 'node:dgram';
import { Writable } from 'node:stream';
import { FakeClock } from '@flotilla/core';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProxyState, type ProxyState } from '../src/state/proxy-state.js';
import { UserspaceProxy } from '../src/userspace/userspace-proxy.js';
import { endpointSlice, service } from './support/fixtures.js';

interface Backend {
  name: string;
  ip: string;
  port: number;
  socket: Socket;
}

/** A UDP backend that answers each datagram with `<its name>:<the datagram>`. */
async function echoBackend(name: string, ip: string): Promise<Backend> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => socket.send(`${name}:${msg}`, from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, ip, resolve));
  return { name, ip, port: socket.address().port, socket };
}

/** A client socket with its own source port: one UDP session in the proxy. */
async function client(): Promise<{ ask(text: string): Promise<string>; close(): void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    ask: (text) =>
      new Promise((resolve) => {
        socket.once('message', (reply) => resolve(reply.toString()));
        socket.send(text, proxyPort(), '127.0.0.1');
      }),
    close: () => socket.close(),
  };
}

let proxy: UserspaceProxy;
const proxyPort = () => proxy.address('default/dns:dns')!.port;

describe('UserspaceProxy UDP over loopback', () => {
  let backends: Backend[] = [];
  let clock: FakeClock;
  const logLines: string[] = [];

  const state = (eps: Backend[]): ProxyState =>
    buildProxyState({
      nodeName: 'node-1',
      nodeIPs: ['127.0.0.1'],
      services: [service('default', 'dns', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }])],
      endpointSlices: eps.map((b) =>
        endpointSlice(
          'default',
          'dns',
          [{ name: 'dns', port: b.port, protocol: 'UDP' }],
          [{ ip: b.ip }],
          `dns-${b.name}`,
        ),
      ),
    });

  beforeEach(async () => {
    backends = [await echoBackend('b0', '127.0.0.2'), await echoBackend('b1', '127.0.0.3')];
    clock = new FakeClock();
    logLines.length = 0;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    proxy = new UserspaceProxy({ clock, logger: pino({ level: 'debug' }, sink) });
  });
  afterEach(async () => {
    await proxy.stop();
    for (const b of backends) b.socket.close();
  });

  it('relays each datagram to an endpoint and its reply back to the client', async () => {
    await proxy.update(state(backends));
    const c = await client();
    expect(await c.ask('hello')).toMatch(/^b[01]:hello$/);
    c.close();
  });

  it('keeps a client on one endpoint while its session lives, and spreads new clients round-robin', async () => {
    await proxy.update(state(backends));
    const [c1, c2] = [await client(), await client()];
    const first = (await c1.ask('1')).split(':')[0];
    for (let i = 0; i < 4; i++) expect((await c1.ask(`${i}`)).split(':')[0]).toBe(first);
    expect((await c2.ask('x')).split(':')[0]).not.toBe(first);
    c1.close();
    c2.close();
  });

  it('ends an idle session after the timeout (250 ms by default), so the next datagram picks again', async () => {
    await proxy.update(state(backends));
    const c = await client();
    const first = (await c.ask('a')).split(':')[0];
    await clock.step(200);
    // Traffic within the timeout keeps the session.
    expect((await c.ask('b')).split(':')[0]).toBe(first);
    await clock.step(250);
    // Expired: a new session, and round-robin has moved on to the other endpoint.
    expect((await c.ask('c')).split(':')[0]).not.toBe(first);
    c.close();
  });

  it('moves a session off an endpoint that leaves the service', async () => {
    await proxy.update(state(backends));
    const c = await client();
    const first = (await c.ask('a')).split(':')[0];
    const remaining = backends.filter((b) => b.name !== first);
    await proxy.update(state(remaining));
    expect(await c.ask('b')).toBe(`${remaining[0].name}:b`);
    c.close();
  });

  it('drops datagrams for a service with no endpoint, and says so in the debug log', async () => {
    await proxy.update(state([]));
    const c = await client();
    const unanswered = c.ask('lost');
    await expect.poll(() => logLines.some((l) => l.includes('no endpoint; dropping datagram'))).toBe(true);
    // An endpoint appears: the client's next datagram is answered (and only that one: the first was dropped).
    await proxy.update(state(backends.slice(0, 1)));
    const answered = c.ask('found');
    expect(await unanswered).toBe('b0:found');
    expect(await answered).toBe('b0:found');
    c.close();
  });
});
