import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, send, servedApi } from '../server/served-api.js';

/**
 * 10,000 open watches against one server (the default `maxWatches`), held
 * by a second process: all are served, the next one is shed with a 429
 * Status, the server stays responsive, an event reaches every watcher, and
 * `stop()` ends them all.
 */
const WATCHES = 10_000;
const path = '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0';

let s: Awaited<ReturnType<typeof servedApi>>;
let clients: ChildProcess;

// biome-ignore lint/suspicious/noExplicitAny: IPC answers are plain JSON
function ask(message: object): Promise<any> {
  return new Promise((resolve) => {
    clients.once('message', resolve);
    clients.send(message);
  });
}

beforeAll(async () => {
  s = await servedApi();
  clients = fork(fileURLToPath(new URL('./watch-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  await new Promise((resolve) => clients.once('message', resolve));
});
afterAll(async () => {
  clients?.kill();
  await s?.close();
});

describe(`${WATCHES} open watches`, () => {
  it('are all served; one more is shed with 429; the server still answers; an event reaches all; stop ends them', async () => {
    const { statuses } = await ask({ open: WATCHES, url: s.url, path });
    expect((statuses as number[]).filter((code) => code === 200)).toHaveLength(WATCHES);

    const shed = await send(s.url, 'GET', path);
    expect(shed.status).toBe(429);
    expect(shed.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests' });
    expect((await send(s.url, 'GET', '/healthz')).text).toBe('ok');

    const delivered = ask({ firstEvents: true });
    expect((await s.json('POST', '/api/v1/namespaces/default/pods', pod('fan-out'))).status).toBe(201);
    const { lines } = await delivered;
    expect((lines as string[]).filter((l) => l.includes('"ADDED"') && l.includes('"fan-out"'))).toHaveLength(WATCHES);

    const ended = ask({ ends: true });
    await s.server.stop();
    expect((await ended).ended).toBe(WATCHES);
  });
});
