import { type ClusterRole, type ClusterRoleBinding, RemoteApi } from '@flotilla/core';
import { type EtcdHandle, startEtcd } from '../../scripts/etcd.js';
import { ComponentProcess } from './component-process.js';
import { ClusterCredentials, type ComponentIdentity, identities } from './credentials.js';
import { type Backend, TcpLoadBalancer } from './load-balancer.js';

/** The processes of the example cluster, by role. */
export interface ClusterProcesses {
  apiservers: [ComponentProcess, ComponentProcess];
  controllerManagers: [ComponentProcess, ComponentProcess];
  scheduler: ComponentProcess;
  nodeAgents: [ComponentProcess, ComponentProcess];
  proxier: ComponentProcess;
}

/** The nodes the two agents register. */
export const NODE_NAMES = ['node-1', 'node-2'] as const;

/** How long a process gets to report that it serves or is ready: bounds a hang on a loaded machine. */
const START_TIMEOUT_MS = 180_000;

/** Where a `ComponentProcess` apiserver reports it listens. */
async function servingUrl(apiserver: ComponentProcess): Promise<string> {
  const serving = await apiserver.waitFor((e) => e.event === 'serving', START_TIMEOUT_MS);
  if (serving.event !== 'serving') throw new Error(`${apiserver.name} reported ${serving.event}, not serving`);
  return serving.url;
}

function backendOf(url: string): Backend {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/**
 * kube-controller-manager without `--use-service-account-credentials` runs
 * every controller with its own credential, which then needs every
 * controller's role (Kubernetes' RBAC documentation says so): one binding
 * per `system:controller:*` ClusterRole to `system:kube-controller-manager`,
 * written by the operator.
 */
async function bindControllerRoles(admin: RemoteApi, identity: ComponentIdentity): Promise<void> {
  const roles = await admin.resource<ClusterRole>('ClusterRole').list();
  const controllerRoles = roles.items.map((r) => r.metadata.name).filter((n) => n.startsWith('system:controller:'));
  if (controllerRoles.length === 0) throw new Error('the apiserver wrote no system:controller:* roles');
  for (const role of controllerRoles) {
    const binding: ClusterRoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `etcd-cluster-example:${role.slice('system:'.length)}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: identity.user }],
    };
    await admin.apply(binding);
  }
}

/**
 * A control plane in Kubernetes' shape, every component its own OS process:
 * a three-member etcd behind two apiservers (HTTPS, static tokens,
 * Node + RBAC) behind a TCP load balancer; two controller managers
 * competing for their lease, a scheduler, two node agents on FakeRuntimes
 * and a proxier, each reaching the apiservers through the balancer with a
 * RemoteApi and a kubeconfig of its own identity. The script holds an
 * operator (cluster-admin) client per apiserver, to write through one and
 * read through the other.
 *
 * Guarantees: `start` resolves once every process has reported ready, or
 * stops whatever it started and rejects saying what failed; `stop` stops
 * every process, the balancer and etcd, and removes the credentials.
 *
 * Caveats: needs etcd (`scripts/setup-host.sh` installs it); the proxier
 * programs iptables (in a network namespace of its own) only as root.
 */
export class EtcdCluster {
  private constructor(
    readonly etcd: EtcdHandle,
    readonly credentials: ClusterCredentials,
    readonly balancer: TcpLoadBalancer,
    /** Operator clients straight to apiserver a and apiserver b, in that order. */
    readonly admins: [RemoteApi, RemoteApi],
    readonly processes: ClusterProcesses,
  ) {}

  /** Starts etcd, the apiservers, the balancer and every component process. */
  static async start(): Promise<EtcdCluster> {
    const etcd = await startEtcd({ members: 3 });
    const credentials = await ClusterCredentials.create();
    const started: ComponentProcess[] = [];
    const admins: RemoteApi[] = [];
    let balancer: TcpLoadBalancer | undefined;
    const run = (role: string, name: string, args: string[]) => {
      const p = new ComponentProcess(role, name, args);
      started.push(p);
      return p;
    };
    try {
      credentials.add('admin', identities.admin);
      credentials.add('controller-manager', identities.controllerManager);
      credentials.add('scheduler', identities.scheduler);
      credentials.add('proxier', identities.proxier);
      for (const node of NODE_NAMES) credentials.add(node, identities.node(node));
      await credentials.writeTokenFile();

      // One after the other: each reconciles the bootstrap policy as it starts, and the second finds it written.
      const apiserverArgs = ['--etcd', etcd.endpoints.join(','), '--pki', credentials.dir];
      const apiserverA = run('apiserver', 'apiserver-a', apiserverArgs);
      const urlA = await servingUrl(apiserverA);
      const apiserverB = run('apiserver', 'apiserver-b', apiserverArgs);
      const urlB = await servingUrl(apiserverB);
      balancer = await TcpLoadBalancer.start([backendOf(urlA), backendOf(urlB)]);
      for (const url of [urlA, urlB]) {
        admins.push(
          new RemoteApi({
            server: url,
            ca: credentials.caCert,
            token: credentials.token('admin'),
            qps: Number.POSITIVE_INFINITY,
          }),
        );
      }
      const [adminA, adminB] = admins as [RemoteApi, RemoteApi];
      await bindControllerRoles(adminA, identities.controllerManager);

      const lb = balancer.url;
      const kubeconfig = async (credential: string) => [
        '--kubeconfig',
        await credentials.writeKubeconfig(credential, lb),
      ];
      const cm = await kubeconfig('controller-manager');
      const processes: ClusterProcesses = {
        apiservers: [apiserverA, apiserverB],
        controllerManagers: [run('controller-manager', 'cm-a', cm), run('controller-manager', 'cm-b', cm)],
        scheduler: run('scheduler', 'scheduler', await kubeconfig('scheduler')),
        nodeAgents: [
          run('node-agent', NODE_NAMES[0], await kubeconfig(NODE_NAMES[0])),
          run('node-agent', NODE_NAMES[1], await kubeconfig(NODE_NAMES[1])),
        ],
        proxier: run('proxier', 'proxy-node', await kubeconfig('proxier')),
      };
      const clients = started.filter((p) => p.role !== 'apiserver');
      await Promise.all(clients.map((p) => p.waitFor((e) => e.event === 'ready', START_TIMEOUT_MS)));
      return new EtcdCluster(etcd, credentials, balancer, [adminA, adminB], processes);
    } catch (err) {
      await Promise.all(started.map((p) => p.stop()));
      for (const admin of admins) await admin.close();
      await balancer?.stop();
      await etcd.stop();
      await credentials.remove();
      throw err;
    }
  }

  /**
   * A client through the balancer with the token registered under
   * `credential` (`scheduler`, `node-1`, ...), or with `token` when given,
   * as a component or an intruder would connect. Close it after use.
   */
  client(credential: string, token = this.credentials.token(credential)): RemoteApi {
    return new RemoteApi({ server: this.balancer.url, ca: this.credentials.caCert, token, maxRetries: 0 });
  }

  /** Every process, in start order. */
  get all(): ComponentProcess[] {
    const p = this.processes;
    return [...p.apiservers, ...p.controllerManagers, p.scheduler, ...p.nodeAgents, p.proxier];
  }

  /** Stops everything this cluster started: the clients first, then the apiservers, then etcd. */
  async stop(): Promise<void> {
    const clients = this.all.filter((p) => p.role !== 'apiserver');
    await Promise.all(clients.map((p) => p.stop()));
    await Promise.all(this.processes.apiservers.map((p) => p.stop()));
    for (const admin of this.admins) await admin.close();
    await this.balancer.stop();
    await this.etcd.stop();
    await this.credentials.remove();
  }
}
