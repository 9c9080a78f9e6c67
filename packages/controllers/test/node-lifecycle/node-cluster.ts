import { Api, FakeClock, type Lease, Manager, MemoryStore, type Node, type Pod, toTimestamp } from '@flotilla/core';
import type { NodeLifecycleOptions } from '../../src/node-lifecycle/node-lifecycle-controller.js';
import { registerNodeLifecycleController } from '../../src/node-lifecycle/register.js';
import { registerReplicaSetController } from '../../src/replicaset/register.js';

/** A node's heartbeat sent at the fake clock's time. */
function isoNow(clock: FakeClock): string {
  return new Date(clock.now()).toISOString();
}

/**
 * A cluster for node lifecycle tests: MemoryStore + Api + Manager on a
 * FakeClock running the node lifecycle, taint eviction and ReplicaSet
 * controllers. The test plays the node agents (`heartbeat`) and a trivial
 * scheduler (`bindPending`: ready, untainted nodes only) — the scheduler
 * package is not used.
 */
export class NodeCluster {
  readonly clock = new FakeClock();
  readonly store = new MemoryStore();
  readonly api = new Api({ store: this.store, clock: this.clock });
  readonly manager = new Manager({ api: this.api, clock: this.clock });
  private readonly abort = new AbortController();
  /** Nodes whose agents are alive: `heartbeat` renews only these. */
  readonly alive = new Set<string>();
  /** Round-robin position of `bindPending`, kept across calls so pods spread evenly. */
  private nextNode = 0;

  /** The two reconcilers, for tests that watch what they are asked to do. */
  readonly controllers: ReturnType<typeof registerNodeLifecycleController>;

  constructor(options: NodeLifecycleOptions & { replicaSets?: boolean } = {}) {
    this.controllers = registerNodeLifecycleController(this.manager, options);
    if (options.replicaSets) registerReplicaSetController(this.manager);
  }

  async start(): Promise<void> {
    await this.manager.start(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.manager.stopped;
    await this.api.close();
  }

  /** Registers a Ready node with a fresh lease, as a node agent does, and keeps it alive. */
  async addNode(name: string, labels: Record<string, string> = {}): Promise<void> {
    const now = toTimestamp(this.clock.now());
    await this.api.resource('Node').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now },
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: now, lastTransitionTime: now },
        ],
      },
    });
    await this.api.resource<Lease>('Lease').create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: isoNow(this.clock) },
    });
    this.alive.add(name);
  }

  /** Renews the lease of every live node (the node agent does this every 10 s). */
  async heartbeat(): Promise<void> {
    for (const name of this.alive) {
      await this.api
        .resource<Lease>('Lease')
        .patch('kube-node-lease', name, { spec: { renewTime: isoNow(this.clock) } });
    }
  }

  /** Advances time by `ms` in 1 s steps, renewing live nodes' leases every 10 s and binding pending pods. */
  async run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      if ((this.clock.now() / 1000) % 10 === 0) await this.heartbeat();
      await this.bindPending();
      await this.clock.step(1000);
    }
  }

  async node(name: string): Promise<Node> {
    return this.api.resource('Node').get(name);
  }

  /** `key:effect` of each taint of the node, sorted. */
  async taints(name: string): Promise<string[]> {
    return ((await this.node(name)).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
  }

  async readyStatus(name: string): Promise<string | undefined> {
    return (await this.node(name)).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  }

  /** Binds unbound pods to live nodes without NoSchedule/NoExecute taints, round-robin, and marks them Running and Ready. */
  async bindPending(): Promise<void> {
    const pods = this.api.resource('Pod');
    const nodes = (await this.api.resource('Node').list()).items.filter(
      (n) => this.alive.has(n.metadata.name) && !(n.spec?.taints ?? []).some((t) => t.effect !== 'PreferNoSchedule'),
    );
    if (nodes.length === 0) return;
    for (const pod of (await pods.list()).items) {
      if (pod.spec.nodeName || pod.metadata.deletionTimestamp) continue;
      const node = nodes[this.nextNode++ % nodes.length].metadata.name;
      await this.api.bindPod({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name }, node);
      const now = toTimestamp(this.clock.now());
      await pods.patchStatus(pod.metadata.namespace ?? 'default', pod.metadata.name, {
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] },
      });
    }
  }

  /** Pods not being deleted, with the node each is bound to. */
  async activePods(): Promise<Pod[]> {
    return (await this.api.resource('Pod').list()).items.filter((p) => !p.metadata.deletionTimestamp);
  }
}
