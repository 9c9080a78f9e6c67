/**
 * `npm run bench -- logs`: the node agent's streaming paths on a real dockerd
 * (started by scripts/docker.ts if none runs).
 *
 * - LogThroughput: one container writes 16 MiB of 100-byte lines to its log
 *   and idles. The same log is then read whole, in alternating rounds, (a)
 *   through the node agent's HTTPS API (`/containerLogs/...`: agent ->
 *   DockerRuntime -> dockerode, lines decoded, timestamps parsed, written
 *   to the HTTP response with backpressure) and (b) with plain dockerode
 *   (`container.logs()` and the frames split into lines with the same
 *   decoder a client needs). MB/s of log text per path, median of 3 rounds;
 *   the ratio agent / plain is the figure (target >= 0.5).
 * - ExecRoundTrip: `true` executed 100 times through the agent's WebSocket
 *   exec (v5.channel.k8s.io: connect, upgrade, docker exec, status frame,
 *   close), against plain dockerode exec (create, start hijacked, wait for
 *   the end, inspect) interleaved in the same run. p50/p99 in ms, and the
 *   p99 ratio agent / plain.
 */
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { Api, MemoryStore, RealClock } from '@flotilla/core';
import WebSocket from 'ws';
import { DockerRuntime, LogFrameDecoder, NodeAgent } from '../packages/runtime/src/index.js';
import { BUSYBOX_IMAGE, ensureBusyboxImage, ensureDocker } from '../scripts/docker.js';
import { type BenchRow, percentile, report } from './report.js';

const clock = new RealClock();
const NODE = 'bench-logs';
const TOKEN = 'bench-logs-token';
const LOG_BYTES = 16 << 20;
const ROUNDS = 3;
const EXECS = 100;
/** The runtime benchmark's network (198.19.253.0/24 is taken by the etcd example's). */
const NETWORK = { name: 'flotilla-bench', subnet: '198.19.252.0/24' };

const median = (xs: number[]) => percentile(xs, 50);

async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await clock.sleep(200);
  }
}

/** Reads an HTTPS GET to the end; returns the bytes received. */
function readAll(port: number, ca: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, servername: 'localhost', headers: { Authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** One exec of `true` over the agent's WebSocket; resolves at the status frame's close. */
function agentExec(port: number, ca: string, pod: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `wss://localhost:${port}/exec/default/${pod}/app?command=true&output=1&error=1`,
      ['v5.channel.k8s.io'],
      {
        ca,
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    );
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) status = data.subarray(1).toString();
    });
    ws.on('close', () => (status.includes('Success') ? resolve() : reject(new Error(`exec failed: ${status}`))));
    ws.on('error', reject);
  });
}

const daemon = await ensureDocker();
try {
  await ensureBusyboxImage(daemon.docker);
  const docker = daemon.docker;
  const runtime = new DockerRuntime({ docker, network: NETWORK, sandboxImage: BUSYBOX_IMAGE });
  const api = new Api({ store: new MemoryStore(), clock });
  const agent = new NodeAgent({
    api,
    runtime,
    clock,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    server: { port: 0, host: '127.0.0.1', auth: { tokens: [TOKEN] } },
  });
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  await agent.ready;
  const port = agent.serverPort;
  const ca = agent.servingCertificate ?? '';
  const line = '0123456789'.repeat(10).slice(0, 99);
  await api.resource('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'talker', namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', `yes ${line} | head -c ${LOG_BYTES}; echo; echo DONE; sleep 2147483647`],
        },
      ],
    },
  });
  await until(async () => (await api.resource('Pod').get('default', 'talker')).status?.phase === 'Running');
  const [info] = await docker.listContainers({
    filters: { label: [`flotilla.io/node-name=${NODE}`, 'io.kubernetes.container.name=app'] },
  });
  const container = docker.getContainer(info.Id);
  await until(async () => Buffer.from(await container.logs({ stdout: true, tail: 1 })).includes('DONE'));

  const agentRates: number[] = [];
  const plainRates: number[] = [];
  let agentBytes = 0;
  let plainBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const viaAgent = async () => {
      const t0 = performance.now();
      agentBytes = await readAll(port, ca, '/containerLogs/default/talker/app');
      agentRates.push(agentBytes / 2 ** 20 / ((performance.now() - t0) / 1000));
    };
    const plain = async () => {
      const t0 = performance.now();
      const buf = Buffer.from(await container.logs({ stdout: true, stderr: true }));
      const decoder = new LogFrameDecoder();
      let bytes = 0;
      for (const l of decoder.push(buf)) bytes += Buffer.byteLength(l.text) + 1;
      for (const l of decoder.end()) bytes += Buffer.byteLength(l.text);
      plainBytes = bytes;
      plainRates.push(bytes / 2 ** 20 / ((performance.now() - t0) / 1000));
    };
    if (round % 2 === 0) {
      await viaAgent();
      await plain();
    } else {
      await plain();
      await viaAgent();
    }
  }
  if (agentBytes !== plainBytes) throw new Error(`the paths read different logs: ${agentBytes} vs ${plainBytes} bytes`);

  const agentMs: number[] = [];
  const plainMs: number[] = [];
  for (let i = 0; i < EXECS; i++) {
    const viaAgent = async () => {
      const t0 = performance.now();
      await agentExec(port, ca, 'talker');
      agentMs.push(performance.now() - t0);
    };
    const plain = async () => {
      const t0 = performance.now();
      const exec = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      await new Promise<void>((resolve) => {
        stream.on('data', () => {});
        stream.once('end', () => resolve());
        stream.once('close', () => resolve());
      });
      const inspected = await exec.inspect();
      if (inspected.ExitCode !== 0) throw new Error('plain exec failed');
      plainMs.push(performance.now() - t0);
    };
    if (i % 2 === 0) {
      await viaAgent();
      await plain();
    } else {
      await plain();
      await viaAgent();
    }
  }

  await api.resource('Pod').delete('default', 'talker');
  await until(
    async () =>
      (await docker.listContainers({ all: true, filters: { label: [`flotilla.io/node-name=${NODE}`] } })).length === 0,
    60_000,
  ).catch(() => {});
  stop.abort();
  await running;

  const rows: BenchRow[] = [
    { figure: 'LogThroughput.logMiB', value: agentBytes / 2 ** 20, unit: 'MiB' },
    { figure: 'LogThroughput.agentMiBps', value: median(agentRates), unit: 'MiB/s' },
    { figure: 'LogThroughput.plainDockerodeMiBps', value: median(plainRates), unit: 'MiB/s' },
    { figure: 'LogThroughput.ratio', value: median(agentRates) / median(plainRates), unit: 'x', target: '>= 0.5' },
    { figure: 'ExecRoundTrip.agentP50Ms', value: percentile(agentMs, 50), unit: 'ms' },
    { figure: 'ExecRoundTrip.agentP99Ms', value: percentile(agentMs, 99), unit: 'ms' },
    { figure: 'ExecRoundTrip.plainP50Ms', value: percentile(plainMs, 50), unit: 'ms' },
    { figure: 'ExecRoundTrip.plainP99Ms', value: percentile(plainMs, 99), unit: 'ms' },
    { figure: 'ExecRoundTrip.p99Ratio', value: percentile(agentMs, 99) / percentile(plainMs, 99), unit: 'x' },
  ];
  report('logs', rows);
} finally {
  await daemon.stop();
}
