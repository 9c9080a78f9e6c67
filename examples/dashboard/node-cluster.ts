import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '@flotilla/apiserver';
import { startControllerManager } from '@flotilla/controllers';
import { Api, FakeClock, Manager, MemoryStore, RealClock, silentLogger } from '@flotilla/core';
import { DashboardServer } from '@flotilla/dashboard';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { bundleBrowserApp } from '../../packages/dashboard/src/build/browser-bundle.js';
import { readOnlyUnlessMaster, tokenAuthenticator } from './auth.js';

/** The node whose agent serves the kubelet API. */
export const NODE = 'node-a';
/** The token the apiserver presents to the agent. */
const AGENT_TOKEN = 'apiserver-to-agent';

/**
 * The dashboard in front of a real ApiServer over an in-process cluster:
 * the Deployment and ReplicaSet controllers, and one NodeAgent serving the
 * kubelet API (logs, exec, usage history) on a FakeRuntime. The runtime
 * runs on its own FakeClock, which only the test moves, so a container's
 * scripted log lines come exactly when the test says; the rest runs in
 * real time.
 */
export interface NodeCluster {
  api: Api;
  runtime: FakeRuntime;
  /** The runtime's clock: step it to let a container's scripted output happen. */
  runtimeClock: FakeClock;
  dashboard: DashboardServer;
  stop(): Promise<void>;
}

/** Starts it all on loopback; `stop` releases everything. */
export async function startNodeCluster(): Promise<NodeCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-dashboard-node-'));
  const bundlePath = join(dir, 'dashboard.js');
  await bundleBrowserApp(bundlePath);
  const logger = silentLogger();
  const store = new MemoryStore();
  const api = new Api({ store, clock: new RealClock() });
  const abort = new AbortController();
  const manager = new Manager({ api, logger });
  startControllerManager(manager, { controllers: ['deployment', 'replicaset'] });
  await manager.start(abort.signal);
  const runtimeClock = new FakeClock(Date.now());
  const runtime = new FakeRuntime({ clock: runtimeClock, podCIDR: '198.18.30.0/24' });
  const agent = new NodeAgent({
    api,
    runtime,
    logger,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    podCIDR: '198.18.30.0/24',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    volumeRoot: join(dir, 'volumes'),
    // Samples often, so a chart has points within seconds.
    metricsIntervalMs: 500,
    server: { port: 0, host: '127.0.0.1', auth: { tokens: [AGENT_TOKEN] } },
  });
  await agent.start(abort.signal);
  const server = new ApiServer({
    api,
    logger,
    authenticator: tokenAuthenticator,
    authorizer: readOnlyUnlessMaster,
    kubeletClient: { token: AGENT_TOKEN, ca: agent.servingCertificate },
  });
  const info = await server.listen({ port: 0 });
  const dashboard = new DashboardServer({ apiServer: info.url, bundlePath });
  await dashboard.start();
  return {
    api,
    runtime,
    runtimeClock,
    dashboard,
    async stop() {
      await dashboard.stop();
      await server.stop();
      await agent.stop();
      abort.abort();
      await manager.stopped;
      await api.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
