import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/server/dashboard-handler.js';
import { type DashboardServer, serveDashboard } from '../../src/server/dashboard-server.js';

const SCRIPT = 'console.log("the dashboard");\n';

/** A stand-in API server: records what reached it, answers a list, and streams a watch one event at a time. */
let upstream: Server;
let upstreamUrl: string;
const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
let sendWatchEvent: (line: string) => void = () => {};
let dir: string;
let dashboard: DashboardServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-dashboard-test-'));
  await writeFile(join(dir, 'dashboard.js'), SCRIPT);
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url?.includes('watch=1')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders(); // as kube-apiserver does: the client learns the watch is open before any event
        sendWatchEvent = (line) => res.write(`${line}\n`);
        return;
      }
      res.writeHead(req.headers.authorization === 'Bearer good' ? 200 : 403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', items: [] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  dashboard = await serveDashboard({ apiServer: upstreamUrl, bundlePath: join(dir, 'dashboard.js') });
});

afterAll(async () => {
  await dashboard?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const origin = () => new URL(dashboard.url).origin;

describe('dashboardHandler serves the page and its script', () => {
  it('serves the page with a policy that allows only its own script and its own origin', async () => {
    const res = await fetch(dashboard.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="dashboard.js"></script>');
  });

  it('serves the script gzipped to a browser that accepts it, plain otherwise', async () => {
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
      import('node:http').then(({ get }) =>
        get(`${dashboard.url}dashboard.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }),
      );
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe(SCRIPT);
    const plain = await fetch(`${dashboard.url}dashboard.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await plain.text()).toBe(SCRIPT);
  });

  it.each([
    ['/dashboard', 'GET', 308],
    ['/dashboard/nope.js', 'GET', 404],
    ['/dashboard/', 'POST', 405],
  ])('%s (%s) answers %s', async (path, method, status) => {
    const res = await fetch(`${origin()}${path}`, { method, redirect: 'manual' });
    expect(res.status).toBe(status);
  });

  it('without an API server, answers only under /dashboard/ and passes the rest on', () => {
    const handler = dashboardHandler({ bundlePath: join(dir, 'dashboard.js') });
    const req = { url: '/api/v1/pods', method: 'GET', headers: {} } as never;
    expect(handler(req, {} as never)).toBe(false);
  });

  it.each([
    ['apiServer', { apiServer: 'not a url' }],
    ['apiBase', { apiBase: '/relative' }],
  ])('refuses a %s that is not an absolute URL, naming the option', (name, options) => {
    expect(() => dashboardHandler({ ...options, bundlePath: join(dir, 'dashboard.js') })).toThrow(
      new RegExp(`^dashboardHandler: ${name} is not an absolute URL`),
    );
  });

  it('refuses to start without its browser bundle, saying how to build it', () => {
    expect(() => dashboardHandler({ bundlePath: join(dir, 'missing.js') })).toThrow(
      /npm run build -w @flotilla\/dashboard/,
    );
  });
});

describe('requests outside /dashboard/ go to the API server as the viewer sent them', () => {
  it("forwards the viewer's token and body untouched, and the server's answer back", async () => {
    const res = await fetch(`${origin()}/api/v1/namespaces/default/pods?limit=5`, {
      method: 'PATCH',
      headers: { Authorization: 'Bearer good', 'Content-Type': 'application/merge-patch+json' },
      body: '{"spec":{}}',
    });
    expect(res.status).toBe(200);
    const got = seen[seen.length - 1];
    expect([got.method, got.url, got.headers.authorization, got.headers['content-type'], got.body]).toEqual([
      'PATCH',
      '/api/v1/namespaces/default/pods?limit=5',
      'Bearer good',
      'application/merge-patch+json',
      '{"spec":{}}',
    ]);
  });

  it('adds no credentials of its own: a request without a token reaches the server without one, and its 403 comes back', async () => {
    const res = await fetch(`${origin()}/api/v1/pods`);
    expect(res.status).toBe(403);
    expect(seen[seen.length - 1].headers.authorization).toBeUndefined();
  });

  it('streams a watch event by event, while the server keeps the watch open', async () => {
    const res = await fetch(`${origin()}/api/v1/pods?watch=1`);
    const reader = res.body!.getReader();
    for (const name of ['a', 'b']) {
      sendWatchEvent(JSON.stringify({ type: 'ADDED', object: { metadata: { name } } }));
      const { value } = await reader.read();
      expect(JSON.parse(new TextDecoder().decode(value)).object.metadata.name).toBe(name);
    }
    await reader.cancel();
  });

  it('answers a Status 502 naming the API server when it cannot be reached', async () => {
    const down = await serveDashboard({ apiServer: 'http://127.0.0.1:1', bundlePath: join(dir, 'dashboard.js') });
    try {
      const res = await fetch(`${new URL(down.url).origin}/api/v1/pods`);
      const status = (await res.json()) as { message: string };
      expect(res.status).toBe(502);
      expect(status).toMatchObject({ kind: 'Status', code: 502, reason: 'BadGateway' });
      expect(status.message).toContain('http://127.0.0.1:1');
    } finally {
      await down.stop();
    }
  });
});
