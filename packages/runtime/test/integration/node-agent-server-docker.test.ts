import { Api, MemoryStore, RealClock } from '@flotilla/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BUSYBOX_IMAGE } from '../../../../scripts/docker.js';
import { NodeAgent } from '../../src/index.js';
import { type AgentEndpoint, execQuery, get, openChannel, runChannel, stream } from '../kubelet-client.js';
import { startDocker } from './docker-fixture.js';

const NODE = 'docker-api-node';
const TOKEN = 'docker-agent-token';
const clock = new RealClock();
let api: Api;
let docker: Docker;
let e: AgentEndpoint;
let stopAll: () => Promise<void>;

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await clock.sleep(200);
  }
}

/** The running app container of pod `srv` on this test's node. */
async function appContainer(): Promise<Docker.Container> {
  const [found] = await docker.listContainers({
    filters: {
      label: [`flotilla.io/node-name=${NODE}`, 'io.kubernetes.pod.name=srv', 'io.kubernetes.container.name=app'],
      status: ['running'],
    },
  });
  return docker.getContainer(found.Id);
}

/** Exec instances of the app container still running. */
async function runningExecs(): Promise<number> {
  const info = await (await appContainer()).inspect();
  const execs = await Promise.all(
    (info.ExecIDs ?? []).map((id) =>
      docker
        .getExec(id)
        .inspect()
        .catch(() => undefined),
    ),
  );
  return execs.filter((x) => x?.Running).length;
}

beforeAll(async () => {
  const started = await startDocker();
  docker = started.docker;
  api = new Api({ store: new MemoryStore(), clock });
  const agent = new NodeAgent({
    api,
    runtime: started.runtime,
    clock,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    metricsIntervalMs: 2000,
    server: { port: 0, host: '127.0.0.1', auth: { tokens: [TOKEN] } },
  });
  const ac = new AbortController();
  const running = agent.run(ac.signal);
  await agent.ready;
  e = { port: agent.serverPort, ca: agent.servingCertificate ?? '', token: TOKEN };
  await api.resource('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'srv', namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: [
            'sh',
            '-c',
            'mkdir -p /www && echo hello > /www/index.html && httpd -p 8080 -h /www; i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done',
          ],
        },
      ],
    },
  });
  await until(async () => (await api.resource('Pod').get('default', 'srv')).status?.phase === 'Running');
  stopAll = async () => {
    await api
      .resource('Pod')
      .delete('default', 'srv')
      .catch(() => {});
    await until(
      async () =>
        (await docker.listContainers({ all: true, filters: { label: [`flotilla.io/node-name=${NODE}`] } })).length ===
        0,
      30_000,
    ).catch(() => {});
    ac.abort();
    await running;
    await started.daemon.stop();
  };
});

afterAll(async () => {
  await stopAll?.();
});

describe('node agent API on DockerRuntime', () => {
  it('execs sh -c "echo $HOSTNAME; exit 3": the pod hostname, then NonZeroExitCode 3', async () => {
    const result = await runChannel(
      openChannel(e, `/exec/default/srv/app?${execQuery(['sh', '-c', 'echo $HOSTNAME; exit 3'])}`),
    );
    expect(result.stdout).toBe('srv\n');
    expect(result.status).toMatchObject({
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('passes stdin through exec -i', async () => {
    const ws = openChannel(e, `/exec/default/srv/app?${execQuery(['cat'], { input: '1' })}`);
    const result = await runChannel(ws, ['from stdin\n']);
    expect(result.stdout).toBe('from stdin\n');
    expect(result.status).toMatchObject({ status: 'Success' });
  });

  it('forwards a port: an HTTP request through it reaches busybox httpd in the pod', async () => {
    const ws = new WebSocket(`wss://localhost:${e.port}/portForward/default/srv?port=8080`, ['v4.channel.k8s.io'], {
      ca: e.ca,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const data: Buffer[] = [];
    let prefixes = 0;
    const closed = new Promise<void>((resolve, reject) => {
      ws.on('message', (frame: Buffer) => {
        if (frame[0] === 0 && prefixes >= 2) data.push(frame.subarray(1));
        else if (frame[0] === 0 || frame[0] === 1) prefixes += 1;
      });
      ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /index.html HTTP/1.0\r\n\r\n')])));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    await closed;
    const answer = Buffer.concat(data).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.[01] 200/);
    expect(answer).toContain('hello');
  });

  it('follows the log: a line written after the request started arrives', async () => {
    const seen: string[] = [];
    const following = stream(e, '/containerLogs/default/srv/app?follow=true&tailLines=1', (t) => seen.push(t));
    await until(
      async () =>
        seen
          .join('')
          .split('\n')
          .filter((l) => l.startsWith('tick')).length >= 3,
      15_000,
    );
    following.close();
    const ticks = seen
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('tick'))
      .map((l) => Number(l.slice(5)));
    expect(ticks[2]).toBe(ticks[0] + 2);
  });

  it('reports usage from docker stats in /stats/summary and /metrics/resource', async () => {
    const summary = JSON.parse((await get(e, '/stats/summary')).body);
    const pod = summary.pods.find((p: { podRef: { name: string } }) => p.podRef.name === 'srv');
    expect(pod.containers[0].memory.workingSetBytes).toBeGreaterThan(0);
    const metrics = (await get(e, '/metrics/resource')).body;
    expect(metrics).toMatch(
      /container_memory_working_set_bytes\{container="app",namespace="default",pod="srv"\} [1-9]/,
    );
  });

  it('leaves no exec process behind when the client disconnects mid-exec', async () => {
    const idle = await runningExecs();
    const ws = openChannel(e, `/exec/default/srv/app?${execQuery(['sleep', '3127'])}`);
    await new Promise((resolve) => ws.once('open', resolve));
    await until(async () => (await runningExecs()) === idle + 1, 10_000).catch(async (err: unknown) => {
      throw new Error(`${err}: ${await runningExecs()} execs run, ${idle} before; the exec never started`);
    });
    ws.terminate();
    // The leak that matters is the process: Docker's exec record can report Running for a while after its
    // process is gone, so the container's process table is the judge.
    const sleeping = async () =>
      (await runChannel(openChannel(e, `/exec/default/srv/app?${execQuery(['ps'])}`))).stdout.includes('sleep 3127');
    await until(async () => !(await sleeping()), 30_000).catch(async (err: unknown) => {
      throw new Error(`${err}: sleep 3127 still runs in the container (${await runningExecs()} execs, ${idle} before)`);
    });
    expect(await sleeping()).toBe(false);
  });

  it('keeps the agent memory bounded while a paused client is flooded (measured)', async () => {
    const idle = await runningExecs();
    const ws = openChannel(e, `/exec/default/srv/app?${execQuery(['yes', 'flood-flood-flood-flood-flood-flood'])}`);
    let received = 0;
    const done = runChannel(ws, [], (n) => {
      received += n;
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await until(async () => received > 1 << 20, 10_000);
    ws.pause();
    global.gc?.();
    const before = process.memoryUsage();
    // Hold the client still for 3 s: without backpressure `yes` would push hundreds of MiB into the agent meanwhile.
    await clock.sleep(3000);
    const after = process.memoryUsage();
    const growth = after.rss - before.rss + (after.arrayBuffers - before.arrayBuffers);
    console.log(
      `flood: received ${(received / 2 ** 20).toFixed(1)} MiB before the pause; rss +${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MiB, arrayBuffers +${((after.arrayBuffers - before.arrayBuffers) / 2 ** 20).toFixed(1)} MiB over 3 s paused`,
    );
    expect(growth).toBeLessThan(64 << 20);
    ws.terminate();
    await done;
    await until(async () => (await runningExecs()) === idle, 10_000);
  });
});
