import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../src/index.js';
import { pod, send, servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const pods = '/api/v1/namespaces/default/pods';

/** The server still answers, and no pod was written. */
async function stillUpAndEmpty(served: NonNullable<typeof s>): Promise<void> {
  expect((await send(served.url, 'GET', '/healthz')).text).toBe('ok');
  expect((await served.json('GET', pods)).json.items).toEqual([]);
}

describe('hostile input: each request gets a Status or is shed, the server stays up, nothing is written', () => {
  it.each([
    ['a body over 3 MiB (declared length)', true],
    ['a body over 3 MiB (chunked, no length)', false],
  ])('%s is a 413', async (_, declared) => {
    s = await servedApi();
    const big = JSON.stringify({
      ...pod('big'),
      metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024) } },
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (!declared) headers['Transfer-Encoding'] = 'chunked';
    const r = await send(s.url, 'POST', pods, { body: big, headers, chunked: !declared });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    await stillUpAndEmpty(s);
  });

  it.each([
    { what: 'malformed JSON', body: '{"apiVersion": "v1", "kind": ', contentType: 'application/json', code: 400 },
    { what: 'JSON that is not an object', body: '[1,2,3]', contentType: 'application/json', code: 400 },
    { what: 'an unknown content type', body: 'name: web', contentType: 'application/x-yaml-ish', code: 415 },
    {
      what: 'a protobuf body that is not Kubernetes protobuf',
      body: 'not protobuf',
      contentType: 'application/vnd.kubernetes.protobuf',
      code: 400,
    },
  ])('$what gets a $code Status', async ({ body, contentType, code }) => {
    s = await servedApi();
    const r = await send(s.url, 'POST', pods, { body, headers: { 'Content-Type': contentType } });
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', code });
    await stillUpAndEmpty(s);
  });

  it.each([
    '/api/v1/namespaces/default/pods/..',
    '/api/v1/namespaces/../pods',
    '/api/v1/namespaces/default/pods/%2E%2E',
    '/api/v1/namespaces/default/pods/..%2F..%2Fsecrets',
    '/api/v1/namespaces/default/pods/a%00b',
  ])('path traversal in names (%s) is a 400', async (path) => {
    s = await servedApi();
    const r = await send(s.url, 'GET', path);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('a 1 MiB label selector is shed before parsing (the URL passes the header limit) and the server stays up', async () => {
    s = await servedApi();
    const selector = encodeURIComponent(`app in (${'x,'.repeat(512 * 1024)}y)`);
    const r = await send(s.url, 'GET', `${pods}?labelSelector=${selector}`);
    expect(r.status).toBeGreaterThanOrEqual(400);
    await stillUpAndEmpty(s);
  });

  it('a malformed label selector within the limits is a 400 Status', async () => {
    s = await servedApi();
    const r = await s.json('GET', `${pods}?labelSelector=${encodeURIComponent('app in (')}`);
    expect(r.json).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
  });

  it('slow-loris: a client that never finishes its headers is disconnected', async () => {
    s = await servedApi({ limits: { headersTimeoutMs: 200 } });
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    // Read what the server sends, so the socket reaches its end and closes.
    socket.resume();
    socket.write('GET /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(socket.destroyed).toBe(true);
    await stillUpAndEmpty(s);
  });

  it('over the mutating in-flight limit: 429 TooManyRequests with Retry-After; reads still served', async () => {
    s = await servedApi({ limits: { maxMutatingInFlight: 0 } });
    const r = await s.json('POST', pods, pod('web'));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    await stillUpAndEmpty(s);
  });

  it('watches are counted apart: over maxWatches a watch gets 429 while other requests pass', async () => {
    s = await servedApi({ limits: { maxWatches: 0 } });
    const r = await s.json('GET', `${pods}?watch=true`);
    expect(r.status).toBe(429);
    expect((await s.json('POST', pods, pod('web'))).status).toBe(201);
  });

  it('a request that outlives the request timeout gets a 504 Status', async () => {
    s = await servedApi({ limits: { requestTimeoutMs: 50 } });
    let release = () => {};
    s.api.addAdmissionHook({
      name: 'stall',
      admit: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    const r = await s.json('POST', pods, pod('web'));
    expect(r.status).toBe(504);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'Timeout', code: 504 });
    release();
  });

  it.each([
    { what: 'a small refused body is read and dropped: the connection serves the next request', kb: 4, kept: true },
    { what: 'a refused body over 256 KiB ends the connection after the refusal', kb: 1024, kept: false },
  ])('$what', async ({ kb, kept }) => {
    const deny: Authorizer = {
      authorize: ({ verb }) => ({ decision: verb === 'create' ? 'Deny' : 'Allow', reason: 'no writes here' }),
    };
    s = await servedApi({ authorizer: deny });
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const until = async (condition: () => boolean) => {
      while (!condition() && !socket.destroyed) await new Promise((r) => setTimeout(r, 10));
    };
    const body = JSON.stringify({
      ...pod('web'),
      metadata: { name: 'web', annotations: { a: 'x'.repeat(kb * 1024) } },
    });
    // The headers go first; the body only once the refusal has come back, as a slow client's would.
    socket.write(
      `POST ${pods} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await until(() => received.includes('"reason":"Forbidden"'));
    expect(received).toMatch(/^HTTP\/1\.1 403/);
    socket.write(body);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    if (kept) {
      await until(() => /HTTP\/1\.1 200 [\s\S]*\r\n0\r\n\r\n$/.test(received));
      expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(2);
      socket.destroy();
    } else {
      await closed;
      expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    }
    await stillUpAndEmpty(s);
  });

  it('an unexpected failure is a 500 whose message reveals nothing (no stack, no internal message)', async () => {
    const broken: Authorizer = {
      authorize: () => {
        throw new Error('database password is hunter2');
      },
    };
    s = await servedApi({ authorizer: broken });
    const r = await s.json('GET', pods);
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'InternalError' });
    expect(r.text).not.toContain('hunter2');
    expect(r.text).not.toMatch(/at .*\.ts/);
  });
});
