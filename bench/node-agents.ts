/**
 * `npm run bench -- node-agents [nodes] [podsPerNode]`: what node agents on
 * FakeRuntime cost per running pod, as the envelope runs them (one shared
 * Pod and Service informer, the envelope's pod template), measured apart
 * from the rest of the cluster:
 *
 * - heap (and array buffers) per running pod held by the agents and by their
 *   FakeRuntimes: all pods ready, then the agents stopped and dropped, then
 *   the runtimes (the difference after a full collection at each step);
 * - steady-state CPU per running pod per second with nothing starting, once
 *   with the generic PLEG's 1 s relist and once with the Evented PLEG's
 *   300 s (each in a fresh cluster), the load average beside each.
 *
 * Default 40 nodes x 100 pods.
 */
import { setMaxListeners } from 'node:events';
import { loadavg } from 'node:os';
import { Api, Manager, MemoryStore, type Pod, RealClock, type Service, silentLogger } from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Registry } from 'prom-client';
import { heapAfterGc } from './cluster-sections/memory.js';
import { type BenchRow, report } from './report.js';

const nodes = Number(process.argv[2] ?? 40);
const podsPerNode = Number(process.argv[3] ?? 100);
const image = 'bench/app:1';
const steadySeconds = 20;
const clock = new RealClock();
const logger = silentLogger();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retained = () => {
  const m = heapAfterGc();
  return m.heapUsed + m.arrayBuffers;
};

async function run(relistIntervalMs: number): Promise<{ agentBytes: number; runtimeBytes: number; cpuUs: number }> {
  const api = new Api({ store: new MemoryStore({ historyLimit: 1000 }), clock });
  const manager = new Manager({ api, clock, logger, metrics: new Registry() });
  const abort = new AbortController();
  const pods = manager.informers.for<Pod>('Pod');
  const services = manager.informers.for<Service>('Service');
  await manager.start(abort.signal);
  const runtimes: FakeRuntime[] = [];
  const agents: NodeAgent[] = [];
  for (let k = 0; k < nodes; k++) {
    const runtime = new FakeRuntime({ clock, podCIDR: `10.${k >> 8}.${k & 255}.0/24` });
    runtime.addImage(image);
    runtimes.push(runtime);
    agents.push(
      new NodeAgent({
        api,
        clock,
        logger,
        runtime,
        nodeName: `node-${k}`,
        podCIDR: `10.${k >> 8}.${k & 255}.0/24`,
        hostIP: `172.16.${k >> 8}.${k & 255}`,
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        pods,
        services,
        relistIntervalMs,
      }),
    );
  }
  const agentsAbort = new AbortController();
  setMaxListeners(4 * nodes + 100, agentsAbort.signal);
  const done = agents.map((a) => a.run(agentsAbort.signal).catch(() => {}));
  const total = nodes * podsPerNode;
  for (let i = 0; i < total; i++) {
    const app = `dep-${i % 100}`;
    await api.resource<Pod>('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${app}-7c9f8d-${i}`, namespace: 'default', labels: { app, 'pod-template-hash': '7c9f8d' } },
      spec: {
        nodeName: `node-${i % nodes}`,
        enableServiceLinks: false,
        containers: [{ name: 'app', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
      },
    });
  }
  const isReady = (p: Readonly<Pod>) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  while (pods.cache.list().filter(isReady).length < total) await sleep(500);
  // Let the starts' own work settle, then measure a window with nothing starting.
  await sleep(5000);
  const cpu0 = process.cpuUsage();
  await sleep(steadySeconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const withAgents = retained();
  agentsAbort.abort();
  await Promise.all(done);
  // Emptied in place: a read of each array after the measurement before keeps it alive until here.
  agents.length = 0;
  const withRuntimes = retained();
  runtimes.length = 0;
  const withNeither = retained();
  abort.abort();
  await manager.stopped;
  await api.close();
  return {
    agentBytes: (withAgents - withRuntimes) / total,
    runtimeBytes: (withRuntimes - withNeither) / total,
    cpuUs: (cpu.user + cpu.system) / steadySeconds / total,
  };
}

const rows: BenchRow[] = [];
for (const [name, relistMs] of [
  ['genericPleg', 1000],
  ['eventedPleg', 300_000],
] as const) {
  const r = await run(relistMs);
  const load = loadavg()[0];
  console.log(
    `${nodes} agents x ${podsPerNode} running pods, relist every ${relistMs / 1000} s: ${r.cpuUs.toFixed(1)} us CPU per running pod per s (load ${load.toFixed(1)}); per pod ${r.agentBytes.toFixed(0)} B in the agents, ${r.runtimeBytes.toFixed(0)} B in FakeRuntime`,
  );
  rows.push(
    { figure: `${name}.steadyCpuUsPerPodPerSec`, value: r.cpuUs, unit: 'us' },
    { figure: `${name}.loadAverage`, value: load, unit: '' },
    { figure: `${name}.agentBytesPerPod`, value: r.agentBytes, unit: 'B' },
    { figure: `${name}.fakeRuntimeBytesPerPod`, value: r.runtimeBytes, unit: 'B' },
  );
}
report('node-agents', rows);
