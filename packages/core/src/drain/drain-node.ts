import type { ClusterApi } from '../api/cluster-api.js';
import type { Clock } from '../clock/clock.js';
import { BadRequestError, isReason, TimeoutError } from '../errors/api-errors.js';
import type { Node, Pod } from '../model/core-v1.js';

/** kubectl's pause between eviction attempts a disruption budget refused. */
export const EVICTION_RETRY_INTERVAL_MS = 5000;
/** kubectl's poll interval while waiting for evicted pods to be gone. */
export const DELETE_POLL_INTERVAL_MS = 1000;
/** Annotation of a static pod's mirror in the API: the node agent owns it, so drain leaves it. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Options of `drainNode`, named after `kubectl drain`'s flags. */
export interface DrainOptions {
  /** Where waits are measured. Default: the Api's clock. */
  clock?: Clock;
  /** `--ignore-daemonsets`: leave DaemonSet pods (they would come back). Default true; false refuses to drain them. */
  ignoreDaemonSets?: boolean;
  /** `--delete-emptydir-data`: evict pods with emptyDir volumes (their data is lost). Default false: refuse. */
  deleteEmptyDirData?: boolean;
  /** `--force`: also evict pods no controller will replace. Default false: refuse. */
  force?: boolean;
  /** `--grace-period`: passed to each eviction. Default: each pod's own. */
  gracePeriodSeconds?: number;
  /** `--timeout` in ms: give up after this long. Default: wait as long as it takes. */
  timeoutMs?: number;
  /** Stops the drain (the node stays cordoned). */
  signal?: AbortSignal;
  /** Progress: each eviction, each refusal a budget made (with its message), each pod gone. */
  onEvent?: (event: DrainEvent) => void;
}

/** What `drainNode` reports as it goes. */
export type DrainEvent =
  | { type: 'Evicted'; pod: string }
  | { type: 'Refused'; pod: string; message: string }
  | { type: 'Deleted'; pod: string }
  | { type: 'Skipped'; pod: string; reason: string };

/** What a finished drain did: pods evicted (and gone), pods left in place with why. */
export interface DrainResult {
  evicted: string[];
  skipped: { pod: string; reason: string }[];
}

const key = (p: Readonly<Pod>) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
const finished = (p: Readonly<Pod>) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Marks a node unschedulable (`kubectl cordon`); returns the node as stored. */
export async function cordonNode(api: ClusterApi, name: string, unschedulable = true): Promise<Node> {
  return api.resource('Node').patch(name, { spec: { unschedulable: unschedulable ? true : null } });
}

/** What kubectl's pod filters decide for one pod: evict it, skip it, or refuse the drain. */
function classify(pod: Readonly<Pod>, opts: DrainOptions): { evict: true } | { skip: string } | { refuse: string } {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return { skip: 'mirror pod' };
  const controller = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (controller?.kind === 'DaemonSet') {
    return (opts.ignoreDaemonSets ?? true)
      ? { skip: 'DaemonSet-managed' }
      : { refuse: 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' };
  }
  if (finished(pod)) return { evict: true };
  if (!opts.deleteEmptyDirData && (pod.spec.volumes ?? []).some((v) => v.emptyDir !== undefined)) {
    return { refuse: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)' };
  }
  if (!controller && !opts.force)
    return { refuse: 'cannot delete Pods that declare no controller (use --force to override)' };
  return { evict: true };
}

/**
 * Drains a node as `kubectl drain` does: cordons it, then evicts every pod
 * on it through `api.evict` (so PodDisruptionBudgets are honoured) and
 * waits for each to be gone. A budget that refuses (429) is asked again
 * every 5 s on the clock until it allows the eviction, which it does once
 * replacement pods elsewhere are Ready.
 *
 * Mirror pods and (by default) DaemonSet pods are left in place. Pods with
 * emptyDir data and pods without a controller make the whole drain refuse
 * before anything is evicted, unless `deleteEmptyDirData` / `force` allow them.
 *
 * @throws BadRequestError listing the pods that block the drain;
 * TimeoutError when `timeoutMs` passes first; the first other eviction error.
 */
export async function drainNode(api: ClusterApi, nodeName: string, opts: DrainOptions = {}): Promise<DrainResult> {
  const clock = opts.clock ?? api.clock;
  const deadline = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + opts.timeoutMs;
  await cordonNode(api, nodeName);
  const { items } = await api.resource('Pod').list({ fieldSelector: `spec.nodeName=${nodeName}` });
  const result: DrainResult = { evicted: [], skipped: [] };
  const toEvict: Pod[] = [];
  const refusals: string[] = [];
  for (const pod of items) {
    const verdict = classify(pod, opts);
    if ('refuse' in verdict) refusals.push(`${key(pod)}: ${verdict.refuse}`);
    else if ('skip' in verdict) {
      result.skipped.push({ pod: key(pod), reason: verdict.skip });
      opts.onEvent?.({ type: 'Skipped', pod: key(pod), reason: verdict.skip });
    } else toEvict.push(pod);
  }
  if (refusals.length > 0) throw new BadRequestError(`cannot drain node "${nodeName}": ${refusals.join('; ')}`);

  const wait = async (ms: number) => {
    if (clock.now() + ms > deadline) {
      throw new TimeoutError(`drain did not complete within ${opts.timeoutMs}ms`);
    }
    await clock.sleep(ms, opts.signal);
  };
  const evictOne = async (pod: Pod) => {
    const ns = pod.metadata.namespace ?? 'default';
    for (;;) {
      opts.signal?.throwIfAborted();
      try {
        await api.evict(ns, pod.metadata.name, {
          gracePeriodSeconds: opts.gracePeriodSeconds,
          preconditions: { uid: pod.metadata.uid },
        });
        opts.onEvent?.({ type: 'Evicted', pod: key(pod) });
        break;
      } catch (err) {
        if (isReason(err, 'NotFound') || isReason(err, 'Conflict')) break;
        if (!isReason(err, 'TooManyRequests')) throw err;
        opts.onEvent?.({ type: 'Refused', pod: key(pod), message: err.message });
        await wait(EVICTION_RETRY_INTERVAL_MS);
      }
    }
    for (;;) {
      const current = await api
        .resource('Pod')
        .get(ns, pod.metadata.name)
        .catch((err: unknown) => {
          if (isReason(err, 'NotFound')) return undefined;
          throw err;
        });
      if (!current || current.metadata.uid !== pod.metadata.uid) break;
      await wait(DELETE_POLL_INTERVAL_MS);
    }
    opts.onEvent?.({ type: 'Deleted', pod: key(pod) });
    result.evicted.push(key(pod));
  };
  const outcomes = await Promise.allSettled(toEvict.map(evictOne));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return result;
}
