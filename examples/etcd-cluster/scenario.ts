import type { Deployment, KubeObject, Lease, Pod, RemoteApi, Service } from '@flotilla/core';
import { EtcdCluster } from './cluster.js';
import type { ComponentEvent } from './roles/role-context.js';

/** What the scenario saw, for the reader and for the integration test. */
export interface ScenarioResult {
  /** The controller manager holding the lease before the kills, and the one after. */
  leaderBefore: string;
  leaderAfter: string;
  /** Ready replicas written through apiserver a and read through apiserver b, before the kills. */
  readyBefore: number;
  /** Ready replicas of the new template after the rollout, with apiserver a and the leader gone. */
  readyAfter: number;
  /** The image every ready pod runs after the rollout. */
  imagesAfter: string[];
  /** Nodes the pods ran on after the rollout. */
  nodesAfter: string[];
  /** Who set the new pods' fields, as their managedFields say: `manager`, with `/subresource` when written through one. */
  managersAfter: string[];
  /** Endpoints of the demo service in the proxier's data plane after the rollout, and which data plane. */
  proxiedEndpoints: number;
  proxyMode: string;
  /** What the apiservers answered components that stepped outside their roles, and a token they do not know. */
  refusals: Record<string, string>;
  /** Seconds from the kills until the rollout had completed. */
  convergedAfterSeconds: number;
}

/** The managers in an object's managedFields, each with the subresource it wrote through. */
function managersOf(obj: KubeObject): string[] {
  const entries = (obj.metadata as { managedFields?: { manager: string; subresource?: string }[] }).managedFields;
  return (entries ?? []).map((e) => (e.subresource ? `${e.manager}/${e.subresource}` : e.manager));
}

/** Where the scenario narrates. */
export type Narrator = (line: string) => void;

const NAMESPACE = 'default';
const NAME = 'demo';
const SERVICE_PORT = `${NAMESPACE}/${NAME}`;
const REPLICAS = 3;
const labels = { app: NAME };
const POLL_MS = 500;
/** Bounds a hang only: a loaded 2-core machine converges in seconds to a minute. */
const CONVERGE_TIMEOUT_MS = 240_000;

function demoDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [{ name: 'main', image: 'demo:v1', ports: [{ containerPort: 8080 }] }],
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
    // A fixed address from Kubernetes' default service range: these apiservers run no ClusterIP allocator
    // (see registerServiceController), and the address only appears in the proxier's private rules.
    spec: { clusterIP: '10.96.0.80', selector: labels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

/**
 * Polls `check` until it returns a value, reading through an apiserver each
 * time (level-triggered: a poll cannot miss a change the way an event can
 * while a server is down). Rejects after `timeoutMs` naming what it awaited.
 */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = CONVERGE_TIMEOUT_MS,
): Promise<T> {
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
 * The ready pods of the demo Deployment running `image`, once there are
 * exactly `REPLICAS` of them, no other pod is left, and the Deployment's
 * status says its rollout is complete (as `kubectl rollout status` judges).
 */
async function rolledOut(api: RemoteApi, image: string): Promise<Pod[] | undefined> {
  const deployment = await api.resource('Deployment').get(NAMESPACE, NAME);
  const s = deployment.status;
  const complete =
    (s?.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) &&
    s?.updatedReplicas === REPLICAS &&
    s.readyReplicas === REPLICAS &&
    s.replicas === REPLICAS;
  if (!complete) return undefined;
  const pods = (await api.resource('Pod').list({ namespace: NAMESPACE, labelSelector: `app=${NAME}` })).items;
  const ready = pods.filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
  const current = ready.filter((p) => p.spec.containers.every((c) => c.image === image));
  return pods.length === REPLICAS && current.length === REPLICAS ? current : undefined;
}

/** The error a call ends in, as `Name: message`; `allowed` when it succeeds. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'allowed';
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

/**
 * Each component acts as its own identity, bound to its role: the
 * scheduler may not create Deployments, a node agent may not read another
 * node's objects, and a token the apiservers do not list is no one.
 */
async function probeIdentities(cluster: EtcdCluster): Promise<Record<string, string>> {
  const probes: [string, string, string | undefined, (api: RemoteApi) => Promise<unknown>][] = [
    [
      'scheduler creates a Deployment',
      'scheduler',
      undefined,
      (api) => api.resource('Deployment').create(demoDeployment()),
    ],
    [
      'node-1 writes node-2',
      'node-1',
      undefined,
      (api) => api.resource('Node').patch('node-2', { metadata: { labels: { x: 'y' } } }),
    ],
    ['an unknown token lists pods', 'admin', 'not-a-listed-token', (api) => api.resource('Pod').list()],
  ];
  const answers: Record<string, string> = {};
  for (const [what, credential, token, call] of probes) {
    const api = cluster.client(credential, token);
    answers[what] = await refusal(() => call(api));
    await api.close();
  }
  return answers;
}

/**
 * The etcd-cluster scenario: start the cluster, create a Deployment behind
 * a Service through apiserver a and see its pods Running through apiserver
 * b; then SIGKILL apiserver a and the leading controller manager, roll the
 * Deployment out to a new image through apiserver b, and see the standby
 * controller manager, the scheduler, the node agents and the proxier
 * (reconnected through the balancer to apiserver b) complete it.
 */
export async function runScenario(say: Narrator): Promise<ScenarioResult> {
  say('starting a three-member etcd, two apiservers behind a load balancer, and six component processes');
  const cluster = await EtcdCluster.start();
  try {
    const { processes } = cluster;
    const [throughA, throughB] = cluster.admins;
    const leaseHolder = async () =>
      (await throughB.resource<Lease>('Lease').get('kube-system', 'kube-controller-manager')).spec?.holderIdentity;
    const proxied = (want: number) =>
      processes.proxier.waitFor(
        (e): e is Extract<ComponentEvent, { event: 'rules' }> =>
          e.event === 'rules' && e.endpoints[SERVICE_PORT] === want,
        CONVERGE_TIMEOUT_MS,
      );

    const refusals = await probeIdentities(cluster);
    say(
      `every component has its own identity: ${Object.entries(refusals)
        .map(([what, answer]) => `${what}: ${answer.split(':')[0]}`)
        .join('; ')}`,
    );

    say(`creating Service and Deployment ${NAMESPACE}/${NAME} (${REPLICAS} replicas) through apiserver-a`);
    await throughA.resource('Service').create(demoService());
    await throughA.resource('Deployment').create(demoDeployment());
    const before = await until(`${REPLICAS} pods run, read through apiserver-b`, () => rolledOut(throughB, 'demo:v1'));
    await proxied(REPLICAS);
    const leaderBefore = await until('a controller manager holds the lease', leaseHolder);
    const nodesBefore = [...new Set(before.map((p) => p.spec.nodeName ?? ''))].sort();
    say(
      `${before.length} pods Running on ${nodesBefore.join(', ')} (read through apiserver-b); leader: ${leaderBefore}`,
    );

    // #region kills
    const leader = processes.controllerManagers.find((p) => p.name === leaderBefore);
    if (!leader)
      throw new Error(`the lease names ${leaderBefore}, which is not one of this cluster's controller managers`);
    say(`SIGKILL apiserver-a and ${leaderBefore}`);
    const killedAt = Date.now();
    await Promise.all([processes.apiservers[0].kill(), leader.kill()]);

    say('rolling default/demo out to image demo:v2 through apiserver-b');
    await until('the new template is written', () =>
      throughB.resource('Deployment').patch(NAMESPACE, NAME, {
        spec: { template: { spec: { containers: [{ name: 'main', image: 'demo:v2' }] } } },
      }),
    );
    const leaderAfter = await until('the standby takes the lease', async () => {
      const holder = await leaseHolder();
      return holder && holder !== leaderBefore ? holder : undefined;
    });
    say(`${leaderAfter} took over`);
    const after = await until('the rollout completes', () => rolledOut(throughB, 'demo:v2'));
    // #endregion kills
    // The proxier's latest rules, not any since the kills: mid-rollout, old and new pods may also add up to three.
    const rules = await until('the proxier forwards to the new pods', async () => {
      const latest = processes.proxier.events.findLast((e) => e.event === 'rules');
      return latest?.event === 'rules' && latest.endpoints[SERVICE_PORT] === REPLICAS ? latest : undefined;
    });
    const convergedAfterSeconds = Math.round((Date.now() - killedAt) / 100) / 10;
    const nodesAfter = [...new Set(after.map((p) => p.spec.nodeName ?? ''))].sort();
    say(
      `rollout complete: ${after.length} pods of demo:v2 on ${nodesAfter.join(', ')}; the proxier forwards to ${rules.endpoints[SERVICE_PORT]} endpoints (${rules.mode}); ${convergedAfterSeconds} s after the kills`,
    );

    say('deleting the Deployment');
    await throughB.resource('Deployment').delete(NAMESPACE, NAME);
    await until('its pods are gone', async () => {
      const pods = await throughB.resource('Pod').list({ namespace: NAMESPACE, labelSelector: `app=${NAME}` });
      return pods.items.length === 0 ? true : undefined;
    });
    return {
      leaderBefore,
      leaderAfter,
      readyBefore: before.length,
      readyAfter: after.length,
      imagesAfter: [...new Set(after.flatMap((p) => p.spec.containers.map((c) => c.image ?? '')))],
      nodesAfter,
      managersAfter: [...new Set(after.flatMap(managersOf))].sort(),
      proxiedEndpoints: rules.endpoints[SERVICE_PORT] ?? 0,
      proxyMode: rules.mode,
      refusals,
      convergedAfterSeconds,
    };
  } finally {
    say('stopping every process, the load balancer and etcd');
    await cluster.stop();
  }
}
