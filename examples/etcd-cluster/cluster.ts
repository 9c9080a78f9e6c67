import { Api, EtcdStore } from '@flotilla/core';
import { NODE_NAME_LABEL } from '@flotilla/runtime';
import { type DockerDaemon, ensureBusyboxImage, ensureDocker } from '../../scripts/docker.js';
import { type EtcdHandle, startEtcd } from '../../scripts/etcd.js';
import { ComponentProcess } from './component-process.js';
import { EXAMPLE_IMAGE } from './roles/node-agent.js';

/** The processes of the example cluster, by role; two of each replicated component. */
export interface ClusterProcesses {
  controllerManagers: [ComponentProcess, ComponentProcess];
  schedulers: [ComponentProcess, ComponentProcess];
  nodeAgents: [ComponentProcess, ComponentProcess];
  proxier: ComponentProcess;
}

/** The nodes the two agents register. */
export const NODE_NAMES = ['docker-node-1', 'docker-node-2'] as const;

/**
 * A multi-process cluster over a real three-member etcd: two controller
 * managers and two schedulers competing for their leases, two node agents
 * on the local dockerd, and a proxier; plus an Api client of the script's
 * own on the same etcd.
 *
 * Guarantees: `start` resolves once every process has reported ready, or
 * stops whatever it started and rejects saying what failed; `stop` stops
 * every process, removes the containers the agents left and stops etcd (and
 * dockerd, if this cluster started it).
 *
 * Caveats: needs etcd, dockerd and the busybox image (`scripts/setup-host.sh`
 * installs them); the proxier programs iptables only as root.
 */
export class EtcdCluster {
  private constructor(
    readonly etcd: EtcdHandle,
    readonly docker: DockerDaemon,
    readonly api: Api,
    private readonly store: EtcdStore,
    readonly processes: ClusterProcesses,
  ) {}

  /** Starts etcd, dockerd and every component process. */
  static async start(): Promise<EtcdCluster> {
    const etcd = await startEtcd({ members: 3 });
    let docker: DockerDaemon | undefined;
    const started: ComponentProcess[] = [];
    try {
      docker = await ensureDocker();
      await ensureBusyboxImage(docker.docker, EXAMPLE_IMAGE);
      const run = (role: string, name: string) => {
        const p = new ComponentProcess(role, name, etcd.endpoints);
        started.push(p);
        return p;
      };
      const processes: ClusterProcesses = {
        controllerManagers: [run('controller-manager', 'cm-a'), run('controller-manager', 'cm-b')],
        schedulers: [run('scheduler', 'scheduler-a'), run('scheduler', 'scheduler-b')],
        nodeAgents: [run('node-agent', NODE_NAMES[0]), run('node-agent', NODE_NAMES[1])],
        proxier: run('proxier', 'proxy-node'),
      };
      await Promise.all(started.map((p) => p.waitFor((e) => e.event === 'ready', 120_000)));
      const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 3000 });
      return new EtcdCluster(etcd, docker, new Api({ store }), store, processes);
    } catch (err) {
      await Promise.all(started.map((p) => p.stop()));
      await docker?.stop();
      await etcd.stop();
      throw err;
    }
  }

  /** Every process, in start order. */
  get all(): ComponentProcess[] {
    const p = this.processes;
    return [...p.controllerManagers, ...p.schedulers, ...p.nodeAgents, p.proxier];
  }

  /** Stops everything this cluster started. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((p) => p.stop()));
    this.api.close();
    await this.store.close();
    await this.removeLeftoverContainers();
    await this.docker.stop();
    await this.etcd.stop();
  }

  /** Node agents leave runtime state as is when they stop; the example's containers go with the example. */
  private async removeLeftoverContainers(): Promise<void> {
    for (const node of NODE_NAMES) {
      const containers = await this.docker.docker.listContainers({
        all: true,
        filters: { label: [`${NODE_NAME_LABEL}=${node}`] },
      });
      await Promise.all(containers.map((c) => this.docker.docker.getContainer(c.Id).remove({ force: true })));
    }
  }
}
