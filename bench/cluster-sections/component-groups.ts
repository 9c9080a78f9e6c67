/**
 * The two halves the cluster-processes bench splits the cluster into. Each
 * half runs on whatever `ClusterApi` it is given: the in-process Api (one
 * process) or a RemoteApi to the apiserver (its own process), so both runs
 * execute the same components with the same settings.
 */
import { controllerRegistrations, startControllerManager } from '@flotilla/controllers';
import {
  type Clock,
  type ClusterApi,
  InformerFactory,
  type Logger,
  Manager,
  type Pod,
  type Service,
  type TokenRequester,
} from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';

/** `controllers`: the controller-manager preset; `scheduler+nodes`: the Scheduler and every NodeAgent on FakeRuntime. */
export const componentGroups = ['controllers', 'scheduler+nodes'] as const;
/** One half of the cluster. */
export type ComponentGroup = (typeof componentGroups)[number];

/** How a group's components are set up; the same for both halves and both runs. */
export interface GroupSettings {
  nodes: number;
  /** The ReplicaSet and Deployment controllers' event batching (the cluster bench's `batchMs`). */
  batchPeriodMs: number;
  clock: Clock;
  logger: Logger;
}

const batched = new Set(['replicaset', 'deployment']);
const capacity = { cpu: '4', memory: '8Gi', pods: '110' };

/** Starts `group` on `api`; resolves once it runs (its informers synced). Aborting `signal` stops it. */
export async function startGroup(
  group: ComponentGroup,
  api: ClusterApi & TokenRequester,
  settings: GroupSettings,
  signal: AbortSignal,
): Promise<void> {
  const { clock, logger } = settings;
  if (group === 'controllers') {
    const manager = new Manager({ api, clock, logger });
    startControllerManager(manager, {
      registrations: controllerRegistrations.map((r) =>
        batched.has(r.name)
          ? { ...r, register: (m, opts) => r.register(m, { ...opts, batchPeriodMs: settings.batchPeriodMs }) }
          : r,
      ),
    });
    await manager.start(signal);
    return;
  }
  const scheduler = new Scheduler({ api, informers: new InformerFactory(api, { logger }), clock, logger });
  void scheduler.run(signal);
  // One pod and one service watch for every agent of the process, as the local cluster's agents share them.
  const shared = new InformerFactory(api, { logger });
  const pods = shared.for<Pod>('Pod');
  const services = shared.for<Service>('Service');
  shared.start(signal);
  for (let i = 1; i <= settings.nodes; i++) {
    const podCIDR = `10.${64 + (i >> 8)}.${i & 255}.0/24`;
    const agent = new NodeAgent({
      api,
      clock,
      logger,
      runtime: new FakeRuntime({ clock, podCIDR }),
      nodeName: `node-${i}`,
      podCIDR,
      hostIP: '127.0.0.1',
      capacity,
      // Kubernetes' own reporting periods: the bench measures pod throughput, not failure detection.
      nodeStatusIntervalMs: 60_000,
      metricsIntervalMs: 15_000,
      pods,
      services,
    });
    agent.run(signal).catch((err: unknown) => logger.error({ err, node: `node-${i}` }, 'agent failed'));
  }
}
