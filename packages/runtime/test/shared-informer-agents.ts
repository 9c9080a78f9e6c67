import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, FakeClock, Informer, MemoryStore, type Pod, type Service } from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '../src/index.js';

/** Agents in one process reading cluster-wide informers they share, as examples/local-cluster runs them. */
export interface SharedInformerAgents {
  api: Api;
  clock: FakeClock;
  pods: Informer<Pod>;
  runtimes: Record<string, FakeRuntime>;
  /** Stops the agents only: the shared informers keep running. */
  stopAgents(): Promise<void>;
  /** Stops the agents, then the informers, and removes the agents' volume roots. */
  stop(): Promise<void>;
}

/** How `startSharedInformerAgents` builds the cluster. */
export interface SharedInformerAgentsOptions {
  /** The store under the Api (a counting one, say); a new MemoryStore by default. */
  store?: MemoryStore;
  /** Whether the agents also share a Service informer. */
  services?: boolean;
  /** The third octet of the first agent's pod CIDR (198.18.<n>.0/24) and host IP (198.18.0.<n>); the next agents count up. */
  firstSubnet: number;
}

/** Starts one NodeAgent on a FakeRuntime per node name, all on one FakeClock and one Pod (and Service) informer. */
export async function startSharedInformerAgents(
  nodeNames: string[],
  opts: SharedInformerAgentsOptions,
): Promise<SharedInformerAgents> {
  const clock = new FakeClock();
  const api = new Api({ store: opts.store ?? new MemoryStore(), clock });
  const informersAbort = new AbortController();
  const pods = new Informer<Pod>(api, 'Pod', { clock });
  pods.start(informersAbort.signal);
  const services = opts.services ? new Informer<Service>(api, 'Service', { clock }) : undefined;
  services?.start(informersAbort.signal);
  const agentsAbort = new AbortController();
  const runtimes: Record<string, FakeRuntime> = {};
  const roots: string[] = [];
  const running: Promise<void>[] = [];
  for (const [i, nodeName] of nodeNames.entries()) {
    const subnet = opts.firstSubnet + i;
    const podCIDR = `198.18.${subnet}.0/24`;
    const runtime = new FakeRuntime({ clock, podCIDR, images: ['app:v1'] });
    runtimes[nodeName] = runtime;
    const volumeRoot = await mkdtemp(join(tmpdir(), 'flotilla-agent-test-'));
    roots.push(volumeRoot);
    const agent = new NodeAgent({
      api,
      runtime,
      clock,
      nodeName,
      hostIP: `198.18.0.${subnet}`,
      podCIDR,
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      volumeRoot,
      pods,
      ...(services ? { services } : {}),
    });
    running.push(agent.run(agentsAbort.signal));
  }
  await clock.flush();
  const stopAgents = async () => {
    agentsAbort.abort();
    await Promise.all(running);
  };
  return {
    api,
    clock,
    pods,
    runtimes,
    stopAgents,
    async stop() {
      await stopAgents();
      informersAbort.abort();
      await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
    },
  };
}
