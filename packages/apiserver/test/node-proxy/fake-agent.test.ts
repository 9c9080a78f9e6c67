import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Api, FakeClock, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  ApiServer,
  type ApiServerOptions,
  type Authenticator,
  generateServingCertificate,
  HttpStatusError,
} from '../../src/index.js';
import { send } from '../server/served-api.js';

/** What the fake agent saw of one request. */
interface Seen {
  path: string;
  authorization?: string;
  protocols?: string;
}

/**
 * A small kubelet API stand-in over HTTPS: answers `/containerLogs/...` with
 * the path it was asked, refuses WebSocket upgrades of `command=refuse`
 * with a Status, holds upgrades of `command=slow` unanswered (noting when
 * the apiserver drops each), and on other exec paths echoes every frame and
 * closes with code 4001 when it gets `[0, 'bye']`.
 */
async function fakeAgent() {
  const tls = await generateServingCertificate(['127.0.0.1']);
  const seen: Seen[] = [];
  const held: { socket: Duplex; closed: boolean }[] = [];
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`log of ${req.url}\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    seen.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      protocols: req.headers['sec-websocket-protocol'],
    });
    if (req.url?.includes('command=refuse')) {
      const body = JSON.stringify({
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'container refuse not found',
      });
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    if (req.url?.includes('command=slow')) {
      const entry = { socket, closed: false };
      held.push(entry);
      const closed = () => {
        entry.closed = true;
      };
      socket.once('end', closed);
      socket.once('close', closed);
      socket.on('error', closed);
      // Reading is what notices the other side's end.
      socket.resume();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: Buffer) => {
        if (data.subarray(1).toString() === 'bye') ws.close(4001, 'done');
        else ws.send(data);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    tls,
    port,
    seen,
    held,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        for (const h of held) h.socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

/** An apiserver whose one pod `web` runs on node `n1`, whose agent is the fake one. */
async function clusterWith(
  agent: Awaited<ReturnType<typeof fakeAgent>>,
  kubeletClient: ApiServerOptions['kubeletClient'],
  serverOptions: Partial<ApiServerOptions> = {},
) {
  const store = new MemoryStore();
  const api = new Api({ store, clock: new FakeClock() });
  await api.resource('Node').create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    status: {
      addresses: [
        { type: 'Hostname', address: 'n1.invalid' },
        { type: 'InternalIP', address: '127.0.0.1' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: agent.port } },
    },
  });
  await api.resource('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:v1' }] },
  });
  const server = new ApiServer({ api, kubeletClient, ...serverOptions });
  const info = await server.listen({ port: 0 });
  stops.push(async () => {
    await server.stop();
    await api.close();
    await store.close();
  });
  return info.url;
}

describe('the apiserver against a fake node agent', () => {
  it('dials the InternalIP and published port with its token, trusting the given CA, and passes the log options', async () => {
    const agent = await fakeAgent();
    stops.push(agent.stop);
    const url = await clusterWith(agent, { token: 't0k3n', ca: agent.tls.caCert });
    const answer = await send(
      url,
      'GET',
      '/api/v1/namespaces/default/pods/web/log?follow=true&tailLines=2&timestamps=1',
    );
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('log of /containerLogs/default/web/app?tailLines=2&follow=true&timestamps=true\n');
    expect(agent.seen[0]?.authorization).toBe('Bearer t0k3n');
  });

  it('refuses an agent whose certificate the CA does not sign: 502 with what to check', async () => {
    const agent = await fakeAgent();
    stops.push(agent.stop);
    const other = await generateServingCertificate(['127.0.0.1']);
    const url = await clusterWith(agent, { ca: other.caCert });
    const answer = await send(url, 'GET', '/api/v1/namespaces/default/pods/web/log');
    expect(answer.status).toBe(502);
    expect(answer.json.message).toContain('kubeletClient');
    expect(agent.seen).toEqual([]);
  });

  it('relays an agent’s refusal of an upgrade, and passes frames and close codes both ways', async () => {
    const agent = await fakeAgent();
    stops.push(agent.stop);
    const url = (await clusterWith(agent, { ca: agent.tls.caCert })).replace('http', 'ws');
    const refused = new WebSocket(`${url}/api/v1/namespaces/default/pods/web/exec?command=refuse&container=app`, [
      'v5.channel.k8s.io',
    ]);
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);

    const ws = new WebSocket(`${url}/api/v1/namespaces/default/pods/web/exec?command=cat`, ['v5.channel.k8s.io']);
    const echoed: string[] = [];
    ws.on('message', (data: Buffer) => echoed.push(data.toString('latin1')));
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(Buffer.from('\u0000hello', 'latin1'));
    ws.send(Buffer.from('\u0000bye', 'latin1'));
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      ws.once('close', (c: number, r: Buffer) => resolve([c, r.toString()])),
    );
    expect({ echoed, code, reason }).toEqual({ echoed: ['\u0000hello'], code: 4001, reason: 'done' });
    expect(agent.seen.at(-1)?.path).toBe('/exec/default/web/app?command=cat');
  });

  it('drops the upgrade to the agent when the client gives up before the agent answers', async () => {
    const agent = await fakeAgent();
    stops.push(agent.stop);
    // The agent's handshake deadline is far past the test's: only the client's leaving can end the upgrade.
    const kubeletClient = { ca: agent.tls.caCert, connectTimeoutMs: 600_000 };
    const url = (await clusterWith(agent, kubeletClient)).replace('http', 'ws');
    const ws = new WebSocket(`${url}/api/v1/namespaces/default/pods/web/exec?command=slow&container=app`, [
      'v5.channel.k8s.io',
    ]);
    ws.on('error', () => {});
    await expect.poll(() => agent.held.length, { timeout: 30_000 }).toBe(1);
    ws.terminate();
    await expect.poll(() => agent.held[0].closed, { timeout: 30_000 }).toBe(true);
  }, 90_000);

  it("takes a browser's bearer token from the subprotocols: the viewer is authenticated, the agent never sees it", async () => {
    const agent = await fakeAgent();
    stops.push(agent.stop);
    const users: string[] = [];
    const authenticator: Authenticator = {
      authenticate(req) {
        if (req.headers.authorization !== 'Bearer viewer-token')
          throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
        users.push('viewer');
        return { username: 'viewer', groups: ['system:authenticated'] };
      },
    };
    const url = (await clusterWith(agent, { token: 't0k3n', ca: agent.tls.caCert }, { authenticator })).replace(
      'http',
      'ws',
    );
    const exec = `${url}/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true`;
    const token = `base64url.bearer.authorization.k8s.io.${Buffer.from('viewer-token').toString('base64url')}`;
    const ws = new WebSocket(exec, ['v5.channel.k8s.io', token]);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    expect(users).toEqual(['viewer']);
    expect(agent.seen.at(-1)).toMatchObject({ authorization: 'Bearer t0k3n', protocols: 'v5.channel.k8s.io' });
    ws.close();

    const wrong = `base64url.bearer.authorization.k8s.io.${Buffer.from('guess').toString('base64url')}`;
    const refused = new WebSocket(exec, ['v5.channel.k8s.io', wrong]);
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });
});
