import type { Deployment, Lease, Pod, Service } from '@flotilla/core';
import { EtcdCluster } from './cluster.js';
import { EXAMPLE_IMAGE } from './roles/node-agent.js';
import type { ComponentEvent } from './roles/role-context.js';

/** What the scenario saw, for the reader and for the integration test. */
export interface ScenarioResult {
  /** The controller manager holding the lease before the kill, and the one after. */
  leaderBefore: string;
  leaderAfter: string;
  /** Ready replicas before the kills, and after scaling with a leader and an etcd member gone. */
  readyBefore: number;
  readyAfter: number;
  /** Nodes the pods ran on after scaling. */
  nodesAfter: string[];
  /** Endpoints of the demo service in the proxier's data plane after scaling, and which data plane. */
  proxiedEndpoints: number;
  proxyMode: string;
  /** Seconds from the kills until the deployment had converged again. */
  convergedAfterSeconds: number;
}

/** Where the scenario narrates. */
export type Narrator = (line: string) => void;

const NAMESPACE = 'default';
const NAME = 'demo';
const SERVICE_PORT = `${NAMESPACE}/${NAME}`;
const labels = { app: NAME };
const POLL_MS = 500;

function demoDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'main',
              image: EXAMPLE_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
            },
          ],
        },
      },
    },
  };
}

function demoService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace: NAMESPACE },
    // A fixed address from Kubernetes' default service range: this Api client has no allocator of its own,
    // and the address only ever appears in rules inside the proxier's private network namespace.
    spec: { clusterIP: '10.96.0.80', selector: labels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

/**
 * Polls `check` until it returns a value, reading through the Api each time
 * (level-triggered: a poll cannot miss a change the way an event can while
 * an etcd member is down). Rejects after `timeoutMs` naming what it awaited.
 */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const isReady = (pod: Pod) =>
  pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * The etcd-cluster scenario: start the cluster, run a Deployment behind a
 * Service, SIGKILL the leading controller manager and one etcd member, scale
 * the Deployment, and watch the standby controller manager, the remaining
 * etcd quorum, the schedulers, the node agents and the proxier converge on
 * the new state.
 */
export async function runScenario(say: Narrator): Promise<ScenarioResult> {
  say('starting a three-member etcd, dockerd, and seven component processes');
  const cluster = await EtcdCluster.start();
  try {
    const { api, processes } = cluster;
    const readyPods = async (want: number) => {
      const pods = await api.resource('Pod').list({ namespace: NAMESPACE, labelSelector: `app=${NAME}` });
      const ready = pods.items.filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
      const deployment = await api.resource('Deployment').get(NAMESPACE, NAME);
      return ready.length === want && deployment.status?.readyReplicas === want ? ready : undefined;
    };
    const leaseHolder = async () =>
      (await api.resource<Lease>('Lease').get('kube-system', 'flotilla-controller-manager')).spec?.holderIdentity;
    const proxied = (want: number) =>
      processes.proxier.waitFor(
        (e): e is Extract<ComponentEvent, { event: 'rules' }> =>
          e.event === 'rules' && e.endpoints[SERVICE_PORT] === want,
        180_000,
      );

    say('applying Service and Deployment default/demo (3 replicas of busybox)');
    await api.apply(demoService());
    await api.apply(demoDeployment());
    const before = await until('3 replicas are ready', () => readyPods(3));
    await proxied(3);
    const leaderBefore = await until('a controller manager holds the lease', leaseHolder);
    say(`3 replicas ready on ${[...new Set(before.map((p) => p.spec.nodeName))].join(', ')}; leader: ${leaderBefore}`);

    // #region kills
    const leader = processes.controllerManagers.find((p) => p.name === leaderBefore);
    if (!leader)
      throw new Error(`the lease names ${leaderBefore}, which is not one of this cluster's controller managers`);
    say(`SIGKILL ${leaderBefore} and etcd member 0`);
    const killedAt = Date.now();
    await Promise.all([leader.kill(), cluster.etcd.kill(0)]);
    processes.proxier.clearEvents();

    say('scaling default/demo to 5 replicas');
    await until('the scale is written', () =>
      api.resource('Deployment').patch(NAMESPACE, NAME, { spec: { replicas: 5 } }),
    );
    const leaderAfter = await until('the standby takes the lease', async () => {
      const holder = await leaseHolder();
      return holder && holder !== leaderBefore ? holder : undefined;
    });
    say(`${leaderAfter} took over`);
    const after = await until('5 replicas are ready', () => readyPods(5));
    // #endregion kills
    const rules = await proxied(5);
    const convergedAfterSeconds = Math.round((Date.now() - killedAt) / 100) / 10;
    const nodesAfter = [...new Set(after.map((p) => p.spec.nodeName ?? ''))].sort();
    say(
      `5 replicas ready on ${nodesAfter.join(', ')}; the proxier forwards to 5 endpoints (${rules.mode}); converged ${convergedAfterSeconds} s after the kills`,
    );

    say('deleting the Deployment');
    await api.resource('Deployment').delete(NAMESPACE, NAME);
    await until('its pods are gone', async () => {
      const pods = await api.resource('Pod').list({ namespace: NAMESPACE, labelSelector: `app=${NAME}` });
      return pods.items.length === 0 ? true : undefined;
    });
    return {
      leaderBefore,
      leaderAfter,
      readyBefore: before.length,
      readyAfter: after.length,
      nodesAfter,
      proxiedEndpoints: rules.endpoints[SERVICE_PORT] ?? 0,
      proxyMode: rules.mode,
      convergedAfterSeconds,
    };
  } finally {
    say('stopping every process, etcd and the containers');
    await cluster.stop();
  }
}
