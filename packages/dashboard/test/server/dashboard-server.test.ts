import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { DashboardServer } from '../../src/server/dashboard-server.js';

/**
 * A stand-in API server for upgrades: refuses an exec of `command=forbidden`
 * with a 403 Status, else switches to the first offered subprotocol and
 * echoes every frame. Records the subprotocols each upgrade offered.
 */
let upstream: Server;
let upstreamUrl: string;
const offered: string[] = [];
/** Upgrades of `command=slow` are held unanswered: their sockets, and whether the dashboard ended each. */
const held: { socket: Duplex; ended: boolean }[] = [];
const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => [...protocols][0] ?? false });
let dir: string;
let bundlePath: string;
const started: DashboardServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-dashboard-server-'));
  bundlePath = join(dir, 'dashboard.js');
  await writeFile(bundlePath, 'console.log("the dashboard");\n');
  upstream = createServer((_req, res) => res.writeHead(404).end());
  upstream.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    offered.push(String(req.headers['sec-websocket-protocol']));
    if (req.url?.includes('command=slow')) {
      const entry = { socket, ended: false };
      held.push(entry);
      socket.once('end', () => {
        entry.ended = true;
      });
      // Reading is what notices the other side's end.
      socket.resume();
      return;
    }
    if (req.url?.includes('command=forbidden')) {
      const body = JSON.stringify({
        kind: 'Status',
        code: 403,
        reason: 'Forbidden',
        message: 'pods "web" is forbidden',
      });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data: Buffer) => ws.send(data)));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const d of started.splice(0)) await d.stop();
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  for (const h of held) h.socket.destroy();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function startDashboard(): Promise<{ dashboard: DashboardServer; ws: string }> {
  const dashboard = new DashboardServer({ apiServer: upstreamUrl, bundlePath });
  started.push(dashboard);
  const { url } = await dashboard.start();
  return { dashboard, ws: `${new URL(url).origin.replace('http', 'ws')}/api/v1/namespaces/default/pods/web/exec` };
}

const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });

describe("the shell's WebSocket goes through the dashboard to the API server", () => {
  it('as the browser offered it (the token subprotocol included), with frames both ways', async () => {
    const { ws: base } = await startDashboard();
    const ws = new WebSocket(`${base}?command=sh&stdin=true`, [
      'v5.channel.k8s.io',
      'base64url.bearer.authorization.k8s.io.dA',
    ]);
    await opened(ws);
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    expect(offered.at(-1)).toBe('v5.channel.k8s.io,base64url.bearer.authorization.k8s.io.dA');
    const echoed = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString('latin1'))),
    );
    ws.send(Buffer.from('\u0000ls\n', 'latin1'));
    expect(await echoed).toBe('\u0000ls\n');
    ws.close();
  });

  it('a refusal comes back as the server gave it: its code and Status', async () => {
    const { ws: base } = await startDashboard();
    const ws = new WebSocket(`${base}?command=forbidden`, ['v5.channel.k8s.io']);
    const answer = await new Promise<{ code?: number; body: string }>((resolve) =>
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c;
        });
        res.on('end', () => resolve({ code: res.statusCode, body }));
      }),
    );
    expect(answer.code).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', message: 'pods "web" is forbidden' });
  });

  it('a browser that gives up before the API server answers: the upgrade to the server is dropped too', async () => {
    const { ws: base } = await startDashboard();
    const ws = new WebSocket(`${base}?command=slow`, ['v5.channel.k8s.io']);
    ws.on('error', () => {});
    await expect.poll(() => held.length, { timeout: 30_000 }).toBe(1);
    ws.terminate();
    await expect.poll(() => held[0].ended, { timeout: 30_000 }).toBe(true);
  });

  it('stop() closes an open shell too, and resolves once it is closed', async () => {
    const { dashboard, ws: base } = await startDashboard();
    const ws = new WebSocket(`${base}?command=sh`, ['v5.channel.k8s.io']);
    await opened(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await dashboard.stop();
    await closed;
  });
});

describe('DashboardServer is a ComponentLifecycle', () => {
  it('start resolves with the address once it listens; ready, then stopped', async () => {
    const dashboard = new DashboardServer({ apiServer: upstreamUrl, bundlePath });
    const order: string[] = [];
    void dashboard.ready.then(() => order.push('ready'));
    void dashboard.stopped.then(() => order.push('stopped'));
    expect(() => dashboard.url).toThrow(/not listening/);
    const { url } = await dashboard.start();
    expect(url).toBe(dashboard.url);
    expect((await fetch(url)).status).toBe(200);
    await dashboard.stop();
    expect(order).toEqual(['ready', 'stopped']);
    await expect(dashboard.start()).rejects.toThrow(/already started/);
  });

  it('a port in use: start rejects with the bind error, and the server counts as stopped', async () => {
    const { dashboard } = await startDashboard();
    const port = Number(new URL(dashboard.url).port);
    const second = new DashboardServer({ apiServer: upstreamUrl, bundlePath, port });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await second.stopped;
  });

  it('a signal aborted before start: nothing listens, start rejects, the server counts as stopped', async () => {
    const dashboard = new DashboardServer({ apiServer: upstreamUrl, bundlePath });
    await expect(dashboard.start(AbortSignal.abort())).rejects.toThrow(/already aborted/);
    await dashboard.stopped;
    expect(() => dashboard.url).toThrow(/not listening/);
  });
});
