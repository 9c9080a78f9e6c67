import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, FakeClock, MemoryStore, type Pod } from '@flotilla/core';
import { type ContainerScript, FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { ApiServer, type ApiServerOptions, writeKubeconfig } from '../../src/index.js';

/** The token the apiserver presents to the node agent. */
export const AGENT_TOKEN = 'apiserver-to-agent-token';
/** The node the agent registers. */
export const NODE = 'node-a';

/** An ApiServer in front of an Api whose one node runs a real NodeAgent on FakeRuntime, its API on loopback. */
export interface NodeAgentCluster {
  api: Api;
  clock: FakeClock;
  runtime: FakeRuntime;
  agent: NodeAgent;
  server: ApiServer;
  url: string;
  kubeconfig: string;
  /** Steps fake time in 100 ms steps (yielding to real I/O between them) until `check` holds. */
  until(check: () => boolean | Promise<boolean>, maxMs?: number): Promise<void>;
  /** Runs the real kubectl with this cluster's kubeconfig and a fresh cache dir; fake time runs while it does. */
  kubectl(args: string[], stdin?: string): Promise<KubectlRun>;
  /** Starts kubectl and returns at once: its output so far, and a way to stop it. */
  spawnKubectl(args: string[]): RunningKubectl;
  stop(): Promise<void>;
}

/** A finished kubectl. */
export interface KubectlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A kubectl still running. */
export interface RunningKubectl {
  output(): { stdout: string; stderr: string };
  done: Promise<KubectlRun>;
  /** Sends `signal` (default SIGINT, as Ctrl-C; SIGKILL drops the connection with no goodbye). */
  kill(signal?: NodeJS.Signals): void;
}

const realTurn = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Starts the cluster: the agent serving with a token, the apiserver trusting its certificate and presenting the token. */
export async function startCluster(
  scripts: Record<string, ContainerScript> = {},
  serverOptions: Partial<ApiServerOptions> = {},
): Promise<NodeAgentCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-node-proxy-'));
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const api = new Api({ store: new MemoryStore(), clock });
  const runtime = new FakeRuntime({ clock, podCIDR: '198.18.10.0/24', images: ['app:v1'] });
  for (const [image, script] of Object.entries(scripts)) runtime.script(image, script);
  const agent = new NodeAgent({
    api,
    runtime,
    clock,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    podCIDR: '198.18.10.0/24',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    volumeRoot: join(dir, 'volumes'),
    server: { port: 0, host: '127.0.0.1', auth: { tokens: [AGENT_TOKEN] } },
  });
  const ac = new AbortController();
  const running = agent.run(ac.signal);
  const until = async (check: () => boolean | Promise<boolean>, maxMs = 20_000) => {
    for (let t = 0; t <= maxMs; t += 100) {
      if (await check()) return;
      await clock.step(100);
      await realTurn();
    }
    throw new Error(`condition not reached within ${maxMs} ms of fake time`);
  };
  await until(() => agent.serverPort > 0);
  const server = new ApiServer({
    api,
    kubeletClient: { token: AGENT_TOKEN, ca: agent.servingCertificate },
    ...serverOptions,
  });
  const info = await server.listen({ port: 0 });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: info });
  let runs = 0;
  const spawnKubectl = (args: string[], stdin?: string): RunningKubectl => {
    runs += 1;
    const child = spawn('kubectl', ['--cache-dir', join(dir, `cache-${runs}`), ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    if (stdin !== undefined) child.stdin.end(stdin);
    const done = new Promise<KubectlRun>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
    return { output: () => ({ stdout, stderr }), done, kill: (signal = 'SIGINT') => child.kill(signal) };
  };
  const kubectl = async (args: string[], stdin?: string) => {
    const run = spawnKubectl(args, stdin);
    let finished: KubectlRun | undefined;
    void run.done.then((r) => {
      finished = r;
    });
    // kubectl runs in real time; the agent's containers in fake time: keep both going.
    await until(() => finished !== undefined, 600_000);
    return finished as KubectlRun;
  };
  return {
    api,
    clock,
    runtime,
    agent,
    server,
    url: info.url,
    kubeconfig,
    until,
    kubectl,
    spawnKubectl: (args) => spawnKubectl(args),
    stop: async () => {
      await server.stop();
      ac.abort();
      await running;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A pod bound to the cluster's node. */
export function boundPod(name: string, containers: Pod['spec']['containers']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, containers },
  };
}
