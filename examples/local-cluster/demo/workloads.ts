import { compileLabelSelector, type Deployment, type LabelSelector, type Node, type Pod } from '@flotilla/core';
import type { DemoContext } from './step.js';
import { waitFor } from './wait-for.js';

/** The pods matching `selector` (text or a LabelSelector) that are not being deleted, from the informer cache. */
export function livePods(ctx: DemoContext, selector: string | LabelSelector, namespace = 'default'): Pod[] {
  const match = compileLabelSelector(selector);
  return ctx.cluster.manager.informers
    .for<Pod>('Pod')
    .cache.list()
    .filter(
      (p) => p.metadata.namespace === namespace && !p.metadata.deletionTimestamp && match.matches(p.metadata.labels),
    );
}

/** True when the pod's Ready condition is True. */
export function podReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/**
 * Waits until Deployment `name` has settled and its pods, as the pod cache
 * sees them, are exactly its replicas, all Ready, and all pass `check`; so
 * a Deployment status that has not yet noticed a lost pod does not count.
 */
export async function waitForHealthyPods(
  ctx: DemoContext,
  name: string,
  what: string,
  check: (pod: Pod) => boolean = () => true,
): Promise<Pod[]> {
  const d = await waitForDeployment(ctx, name);
  return waitFor(
    ctx.clock,
    what,
    () => {
      const pods = livePods(ctx, d.spec.selector, d.metadata.namespace);
      const want = ctx.cluster.manager.informers.for<Deployment>('Deployment').cache.get(d.metadata.namespace, name)
        ?.spec.replicas;
      return pods.length === want && pods.every((p) => podReady(p) && check(p)) ? pods : undefined;
    },
    ctx.timeoutMs,
  );
}

/** True once the Deployment has exactly its desired replicas, all updated and available, and the controller saw the latest spec. */
function deploymentSettled(d: Deployment | undefined): boolean {
  if (!d) return false;
  const want = d.spec.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.replicas === want &&
    s.updatedReplicas === want &&
    s.availableReplicas === want
  );
}

/**
 * Waits until Deployment `name` has settled (see `deploymentSettled`) at
 * generation `minGeneration` or later, and returns it. Pass the generation
 * a write returned: the cache may not have seen that write yet, and the
 * old, settled state must not count.
 */
export async function waitForDeployment(
  ctx: DemoContext,
  name: string,
  namespace = 'default',
  minGeneration = 0,
): Promise<Deployment> {
  const cache = ctx.cluster.manager.informers.for<Deployment>('Deployment').cache;
  return waitFor(
    ctx.clock,
    `deployment/${name} to have every replica updated and available`,
    () => {
      const d = cache.get(namespace, name);
      return d && (d.metadata.generation ?? 0) >= minGeneration && deploymentSettled(d) ? d : undefined;
    },
    ctx.timeoutMs,
  );
}

/** The Ready condition's status of a node, from the cache. */
export function nodeReady(ctx: DemoContext, name: string): string {
  const node = ctx.cluster.manager.informers.for<Node>('Node').cache.get(undefined, name);
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

/** `count` pods by node, as `node-1: 2, node-2: 3`. */
export function spread(pods: readonly Pod[]): string {
  const counts = new Map<string, number>();
  for (const p of pods)
    counts.set(p.spec.nodeName ?? 'unscheduled', (counts.get(p.spec.nodeName ?? 'unscheduled') ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, c]) => `${n}: ${c}`)
    .join(', ');
}
