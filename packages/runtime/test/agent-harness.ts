import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  type ApiOptions,
  type ClusterApi,
  FakeClock,
  MemoryStore,
  type Pod,
  type TokenRequester,
} from '@flotilla/core';
import { afterEach } from 'vitest';
import { type ContainerScript, FakeRuntime, NodeAgent, type NodeAgentServerOptions } from '../src/index.js';

/** The node every harness agent runs as. */
export const NODE = 'node-a';

/** A NodeAgent on FakeRuntime and a FakeClock, with the Api it works against. */
export interface Harness {
  api: Api;
  clock: FakeClock;
  runtime: FakeRuntime;
  agent: NodeAgent;
  /** Per-harness directory for pod volumes, removed by `stop`. */
  volumeRoot: string;
  stop(): Promise<void>;
}

// Registered when a test file imports this module: every test's agent is stopped after it.
let current: Harness | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** Starts an agent for one test (stopped after it); images app:v1, init:v1 and web:v1 are present. */
export async function start(
  opts: {
    scripts?: Record<string, ContainerScript>;
    capacity?: Record<string, string>;
    relistIntervalMs?: number;
    server?: NodeAgentServerOptions;
    /** More of the Api's options (admission, a service account token issuer). */
    api?: Omit<ApiOptions, 'store' | 'clock'>;
    /** What the agent works through, made from the harness Api (e.g. `api.as(node identity)`). Default: the Api. */
    agentApi?: (api: Api) => Promise<ClusterApi & TokenRequester>;
  } = {},
): Promise<Harness> {
  const clock = new FakeClock();
  const volumeRoot = await mkdtemp(join(tmpdir(), 'flotilla-agent-test-'));
  const api = new Api({ ...opts.api, store: new MemoryStore(), clock });
  const runtime = new FakeRuntime({ clock, podCIDR: '198.18.10.0/24', images: ['app:v1', 'init:v1', 'web:v1'] });
  for (const [image, script] of Object.entries(opts.scripts ?? {})) runtime.script(image, script);
  const agent = new NodeAgent({
    api: opts.agentApi ? await opts.agentApi(api) : api,
    runtime,
    clock,
    nodeName: NODE,
    hostIP: '198.18.0.10',
    podCIDR: '198.18.10.0/24',
    capacity: opts.capacity ?? { cpu: '4', memory: '8Gi', pods: '110' },
    volumeRoot,
    relistIntervalMs: opts.relistIntervalMs,
    server: opts.server,
  });
  const ac = new AbortController();
  const running = agent.run(ac.signal);
  await clock.flush();
  current = {
    api,
    clock,
    runtime,
    agent,
    volumeRoot,
    stop: async () => {
      ac.abort();
      await running;
      await rm(volumeRoot, { recursive: true, force: true });
    },
  };
  return current;
}

/** A pod bound to the harness node, one container `app` from app:v1 unless `spec` says otherwise. */
export function pod(name: string, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, containers: [{ name: 'app', image: 'app:v1' }], ...spec },
  };
}

/** Steps the fake clock in small increments so the agent's async work keeps up. */
export async function advance(h: Harness, ms: number, stepMs = 100) {
  for (let t = 0; t < ms; t += stepMs) await h.clock.step(stepMs);
}

/**
 * Steps fake time until `check` holds. Volume set-up and tear-down touch the
 * real filesystem, whose completions arrive through libuv's poll phase and
 * not through the fake clock: each step also yields one zero-delay timer
 * turn so they are not starved by a tight loop of fake time.
 */
export async function until(h: Harness, check: () => Promise<boolean>, maxMs = 10_000) {
  for (let t = 0; t <= maxMs; t += 100) {
    if (await check()) return;
    await h.clock.step(100);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`condition not reached within ${maxMs} ms of fake time`);
}

/** The pod `default/<name>` as the Api has it now. */
export const getPod = (h: Harness, name: string) => h.api.resource('Pod').get('default', name);
