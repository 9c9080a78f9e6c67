import { toTimestamp } from '../clock/clock.js';
import { ForbiddenError, InternalError, isReason, TooManyRequestsError } from '../errors/api-errors.js';
import type { Pod } from '../model/core-v1.js';
import { compileLabelSelector } from '../model/labels.js';
import type { PodDisruptionBudget } from '../model/policy-v1.js';
import type { DeleteOptions, ResourceClient } from './types.js';

/** Kubernetes' message for an eviction a budget refuses. */
export const EVICTION_REFUSED_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
/** Budgets with more evicted-but-not-yet-gone pods than this refuse further evictions (Kubernetes' `MaxDisruptedPodSize`). */
export const MAX_DISRUPTED_POD_SIZE = 2000;
/** How often a budget's status update is retried on a conflict before the eviction gives up. */
const MAX_STATUS_RETRIES = 5;

/** Options of an eviction: Kubernetes' `Eviction.deleteOptions`. */
export type EvictionOptions = Pick<DeleteOptions, 'gracePeriodSeconds' | 'preconditions' | 'requester'>;

const isReady = (pod: Readonly<Pod>) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Whether a PodDisruptionBudget covers a pod of its namespace, as policy/v1
 * says: an empty selector (`{}`) covers every pod, an absent (null) one none.
 */
export function disruptionBudgetCovers(pdb: Readonly<PodDisruptionBudget>, pod: Readonly<Pod>): boolean {
  if (pdb.spec.selector === undefined || pdb.spec.selector === null) return false;
  if (pdb.metadata.namespace !== undefined && pdb.metadata.namespace !== pod.metadata.namespace) return false;
  return compileLabelSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {});
}

/**
 * Evicts a pod as Kubernetes' `pods/eviction` subresource does: the pod is
 * deleted only if the PodDisruptionBudget covering it allows one more
 * disruption, and the budget's `disruptionsAllowed` is decremented (with the
 * pod recorded in `status.disruptedPods`) before the delete, so concurrent
 * evictions cannot overdraw it.
 *
 * Pods that are already finished, still Pending or being deleted are
 * deleted without consulting budgets. A pod that is not Ready is deleted
 * without using up the budget when its budget's `unhealthyPodEvictionPolicy`
 * is `AlwaysAllow`, or (the default `IfHealthyBudget`) while the budget is
 * met (`currentHealthy >= desiredHealthy > 0`).
 *
 * @throws TooManyRequestsError (429) naming the budget when it allows no
 * disruption now, or its status has not caught up with its spec yet;
 * InternalError (500) when two budgets cover the pod (Kubernetes refuses
 * that too); ForbiddenError for a budget whose status is inconsistent;
 * NotFoundError for a missing pod.
 */
export async function evictPod(
  clients: { pods: ResourceClient<Pod>; budgets: ResourceClient<PodDisruptionBudget> },
  now: () => number,
  namespace: string,
  name: string,
  opts: EvictionOptions = {},
): Promise<void> {
  const pod = await clients.pods.get(namespace, name);
  const remove = () =>
    clients.pods.delete(namespace, name, {
      gracePeriodSeconds: opts.gracePeriodSeconds,
      preconditions: opts.preconditions ?? { uid: pod.metadata.uid },
      requester: opts.requester,
    });
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) {
    await remove();
    return;
  }
  const budgets = (await clients.budgets.list({ namespace })).items.filter((b) => disruptionBudgetCovers(b, pod));
  if (budgets.length > 1) {
    throw new InternalError(
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  }
  const budget = budgets[0];
  if (!budget) {
    await remove();
    return;
  }
  if (!isReady(pod)) {
    const policy = budget.spec.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
    const s = budget.status;
    if (policy === 'AlwaysAllow' || (s && s.desiredHealthy > 0 && s.currentHealthy >= s.desiredHealthy)) {
      await remove();
      return;
    }
  }
  await takeDisruption(clients.budgets, budget, pod, now);
  await remove();
}

/** Kubernetes' `checkAndDecrement`, retried on a conflicting status write with a fresh read of the budget. */
async function takeDisruption(
  budgets: ResourceClient<PodDisruptionBudget>,
  first: PodDisruptionBudget,
  pod: Readonly<Pod>,
  now: () => number,
): Promise<void> {
  let pdb = first;
  for (let attempt = 0; ; attempt++) {
    const id = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
    const status = pdb.status;
    if (!status || (status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
      throw new TooManyRequestsError(
        EVICTION_REFUSED_MESSAGE,
        id,
        `The disruption budget ${pdb.metadata.name} is still being processed by the server.`,
      );
    }
    if (status.disruptionsAllowed < 0) throw new ForbiddenError('pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
      throw new ForbiddenError('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if (status.disruptionsAllowed === 0) {
      throw new TooManyRequestsError(
        EVICTION_REFUSED_MESSAGE,
        id,
        `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      );
    }
    const next = structuredClone(pdb);
    next.status = {
      ...status,
      disruptionsAllowed: status.disruptionsAllowed - 1,
      disruptedPods: { ...status.disruptedPods, [pod.metadata.name]: toTimestamp(now()) },
    };
    try {
      await budgets.updateStatus(next);
      return;
    } catch (err) {
      if (!isReason(err, 'Conflict') || attempt >= MAX_STATUS_RETRIES) throw err;
      pdb = await budgets.get(pdb.metadata.namespace ?? 'default', pdb.metadata.name);
    }
  }
}
