/**
 * `npm run bench -- logs`: the node agent's streaming paths on a real dockerd
 * (started by scripts/docker.ts if none runs).
 *
 * - LogThroughput: one container writes 16 MiB of 100-byte lines to its log
 *   and idles. The same log is then read whole, in rounds that rotate the
 *   order, (a) through the apiserver (`pods/log` over HTTPS: ApiServer ->
 *   its kubelet client -> the node agent's HTTPS API -> DockerRuntime ->
 *   dockerode), (b) from the node agent's API directly
 *   (`/containerLogs/...`), and (c) with plain dockerode
 *   (`container.logs()` and the frames split into lines with the same
 *   decoder a client needs). MiB/s of log text per path, median of 3
 *   rounds; the ratio apiserver / plain is the figure (target >= 0.5).
 *   Beside it, CPU per MiB (this process, which holds the apiserver, the
 *   agent and the clients, plus dockerd) and its ratio plain / apiserver:
 *   the same comparison in CPU time, steadier than wall time on a loaded
 *   machine.
 * - ExecRoundTrip: `true` executed 100 times over a v5.channel.k8s.io
 *   WebSocket through the apiserver (`pods/exec`, relayed to the agent),
 *   and directly on the agent, against plain dockerode exec (create, start
 *   hijacked, wait for the end, inspect), interleaved in the same run.
 *   p50/p99 in ms, and the p99 ratios against plain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { Api, MemoryStore, RealClock } from '@flotilla/core';
import WebSocket from 'ws';
import { ApiServer, generateServingCertificate } from '../packages/apiserver/src/index.js';
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

/** Where a client connects over TLS: the port, the CA it trusts and the headers it sends. */
interface Target {
  port: number;
  ca: string;
  headers: Record<string, string>;
}

/** Reads an HTTPS GET to the end; returns the bytes received. */
function readAll(target: Target, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: target.port, path, ca: target.ca, servername: 'localhost', headers: target.headers },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
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

/** One exec of `true` over a v5.channel.k8s.io WebSocket at `path`; resolves at the status frame's close. */
function wsExec(target: Target, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://localhost:${target.port}${path}`, ['v5.channel.k8s.io'], {
      ca: target.ca,
      headers: target.headers,
    });
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) status = data.subarray(1).toString();
    });
    ws.on('close', () => (status.includes('Success') ? resolve() : reject(new Error(`exec failed: ${status}`))));
    ws.on('error', reject);
  });
}

/** The pids of every running dockerd (the daemon whose CPU the log and exec paths also spend). */
function dockerdPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU ms spent so far by this process (apiserver, agent, clients) and by `pids` (utime + stime at 100 ticks/s). */
function cpuMs(pids: number[]): number {
  const own = process.cpuUsage();
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (own.user + own.system) / 1000 + ticks * 10;
}

/** One way of reading the log or running an exec, and what it measured. */
interface Path {
  name: string;
  readLog(): Promise<number>;
  exec(): Promise<void>;
  rates: number[];
  cpuPerMiB: number[];
  execMs: number[];
  bytes: number;
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
  const agentTarget: Target = {
    port: agent.serverPort,
    ca: agent.servingCertificate ?? '',
    headers: { Authorization: `Bearer ${TOKEN}` },
  };
  const server = new ApiServer({ api, kubeletClient: { token: TOKEN, ca: agentTarget.ca }, metrics: false });
  const tls = await generateServingCertificate(['localhost']);
  const served = await server.listen({ host: '127.0.0.1', port: 0, tls });
  const apiTarget: Target = { port: served.port, ca: tls.caCert, headers: {} };
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

  const measured = { rates: [], cpuPerMiB: [], execMs: [], bytes: 0 };
  const paths: Path[] = [
    {
      name: 'apiserver',
      readLog: () => readAll(apiTarget, '/api/v1/namespaces/default/pods/talker/log?container=app'),
      exec: () =>
        wsExec(apiTarget, '/api/v1/namespaces/default/pods/talker/exec?container=app&command=true&stdout=1&stderr=1'),
      ...structuredClone(measured),
    },
    {
      name: 'agent',
      readLog: () => readAll(agentTarget, '/containerLogs/default/talker/app'),
      exec: () => wsExec(agentTarget, '/exec/default/talker/app?command=true&output=1&error=1'),
      ...structuredClone(measured),
    },
    {
      name: 'plainDockerode',
      async readLog() {
        const buf = Buffer.from(await container.logs({ stdout: true, stderr: true }));
        const decoder = new LogFrameDecoder();
        let bytes = 0;
        for (const l of decoder.push(buf)) bytes += Buffer.byteLength(l.text) + 1;
        for (const l of decoder.end()) bytes += Buffer.byteLength(l.text);
        return bytes;
      },
      async exec() {
        const exec = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
        const stream = await exec.start({ hijack: true, stdin: false });
        await new Promise<void>((resolve) => {
          stream.on('data', () => {});
          stream.once('end', () => resolve());
          stream.once('close', () => resolve());
        });
        const inspected = await exec.inspect();
        if (inspected.ExitCode !== 0) throw new Error('plain exec failed');
      },
      ...structuredClone(measured),
    },
  ];
  /** The paths in an order that rotates with `i`, so none always runs first (a warm cache, a quiet moment). */
  const rotated = (i: number) => paths.map((_, k) => paths[(i + k) % paths.length]!);
  const pids = dockerdPids();

  for (let round = 0; round < ROUNDS; round++) {
    for (const path of rotated(round)) {
      const t0 = performance.now();
      const cpu0 = cpuMs(pids);
      path.bytes = await path.readLog();
      const mib = path.bytes / 2 ** 20;
      path.cpuPerMiB.push((cpuMs(pids) - cpu0) / mib);
      path.rates.push(mib / ((performance.now() - t0) / 1000));
    }
  }
  for (const path of paths) {
    if (path.bytes !== paths[0]!.bytes) {
      throw new Error(`the paths read different logs: ${path.name} ${path.bytes} vs ${paths[0]!.bytes} bytes`);
    }
  }

  for (let i = 0; i < EXECS; i++) {
    for (const path of rotated(i)) {
      const t0 = performance.now();
      await path.exec();
      path.execMs.push(performance.now() - t0);
    }
  }

  await api.resource('Pod').delete('default', 'talker');
  await until(
    async () =>
      (await docker.listContainers({ all: true, filters: { label: [`flotilla.io/node-name=${NODE}`] } })).length === 0,
    60_000,
  ).catch(() => {});
  await server.stop();
  stop.abort();
  await running;

  const [viaApi, viaAgent, plain] = paths as [Path, Path, Path];
  const rows: BenchRow[] = [{ figure: 'LogThroughput.logMiB', value: viaApi.bytes / 2 ** 20, unit: 'MiB' }];
  for (const p of paths) {
    rows.push({ figure: `LogThroughput.${p.name}MiBps`, value: median(p.rates), unit: 'MiB/s' });
    rows.push({ figure: `LogThroughput.${p.name}CpuMsPerMiB`, value: median(p.cpuPerMiB), unit: 'ms/MiB' });
  }
  rows.push(
    { figure: 'LogThroughput.ratio', value: median(viaApi.rates) / median(plain.rates), unit: 'x', target: '>= 0.5' },
    {
      figure: 'LogThroughput.cpuRatio',
      value: median(plain.cpuPerMiB) / median(viaApi.cpuPerMiB),
      unit: 'x',
      target: '>= 0.5',
    },
    { figure: 'LogThroughput.agentRatio', value: median(viaAgent.rates) / median(plain.rates), unit: 'x' },
  );
  for (const p of paths) {
    rows.push({ figure: `ExecRoundTrip.${p.name}P50Ms`, value: percentile(p.execMs, 50), unit: 'ms' });
    rows.push({ figure: `ExecRoundTrip.${p.name}P99Ms`, value: percentile(p.execMs, 99), unit: 'ms' });
  }
  rows.push(
    {
      figure: 'ExecRoundTrip.apiserverP99Ratio',
      value: percentile(viaApi.execMs, 99) / percentile(plain.execMs, 99),
      unit: 'x',
    },
    {
      figure: 'ExecRoundTrip.agentP99Ratio',
      value: percentile(viaAgent.execMs, 99) / percentile(plain.execMs, 99),
      unit: 'x',
    },
  );
  report('logs', rows);
} finally {
  await daemon.stop();
}
