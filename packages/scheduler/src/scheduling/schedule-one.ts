import type { PodInfo } from '../cache/pod-info.js';
import type { SchedulerCache } from '../cache/scheduler-cache.js';
import { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import type { Status } from '../framework/status.js';
import { FitError } from './fit-error.js';
import type { GenericScheduler } from './generic-scheduler.js';

/** The outcome of one scheduling cycle. */
export type CycleOutcome =
  | {
      kind: 'assumed';
      nodeName: string;
      /** The binding cycle, already running: resolves with its status (the pod was forgotten on failure). */
      binding: Promise<Status>;
    }
  | {
      kind: 'unschedulable';
      error: FitError;
      /** Set when PostFilter (preemption) nominated a node for the pod. */
      nominatedNodeName?: string;
    }
  | { kind: 'error'; error: Error };

/** What a cycle needs: the algorithm and the cache it assumes pods in. */
export interface CycleContext {
  algorithm: GenericScheduler;
  cache: SchedulerCache;
}

/**
 * One pod through kube-scheduler's scheduling cycle (find a node, or run
 * PostFilter; then assume, Reserve, Permit) and, started asynchronously,
 * its binding cycle (wait on Permit, PreBind, Bind, PostBind).
 *
 * Guarantees: after an `assumed` outcome the pod counts on its node in the
 * cache at once; if binding fails the pod is unreserved and forgotten before
 * `binding` resolves, so the caller only has to requeue it.
 */
export async function scheduleOne(ctx: CycleContext, fwk: Framework, pod: PodInfo): Promise<CycleOutcome> {
  const state = new CycleState();
  let nodeName: string;
  try {
    nodeName = (await ctx.algorithm.schedulePod(fwk, state, pod)).suggestedHost;
  } catch (err) {
    if (!(err instanceof FitError)) return { kind: 'error', error: asError(err) };
    if (!fwk.hasPostFilter || err.numAllNodes === 0) return { kind: 'unschedulable', error: err };
    const r = await fwk.runPostFilterPlugins(state, pod, err.nodeStatuses);
    if (r.status.code === 'Error') return { kind: 'error', error: r.status.error ?? new Error(r.status.message()) };
    err.addPostFilterMessage(r.status.message());
    return { kind: 'unschedulable', error: err, nominatedNodeName: r.nominatedNodeName };
  }
  let assumed: PodInfo;
  try {
    assumed = ctx.cache.assumePod(pod, nodeName);
  } catch (err) {
    // The pod reached the cache while the cycle ran (its binding seen by the informer): as kube-scheduler's failed
    // assume, an error outcome for this cycle; the caller's pending check then drops it.
    return { kind: 'error', error: asError(err) };
  }
  const reserve = fwk.runReservePlugins(state, assumed, nodeName);
  if (!reserve.isSuccess()) {
    ctx.cache.forgetPod(assumed.key);
    return failure(reserve, ctx, nodeName);
  }
  const permit = fwk.runPermitPlugins(state, assumed, nodeName);
  if (!permit.isSuccess() && permit.code !== 'Wait') {
    fwk.runUnreservePlugins(state, assumed, nodeName);
    ctx.cache.forgetPod(assumed.key);
    return failure(permit, ctx, nodeName);
  }
  return { kind: 'assumed', nodeName, binding: bindingCycle(ctx, fwk, state, assumed, nodeName) };
}

async function bindingCycle(
  ctx: CycleContext,
  fwk: Framework,
  state: CycleState,
  assumed: PodInfo,
  nodeName: string,
): Promise<Status> {
  let status = await fwk.waitOnPermit(assumed);
  if (status.isSuccess()) status = await fwk.runPreBindPlugins(state, assumed, nodeName);
  if (status.isSuccess()) status = await fwk.runBindPlugins(state, assumed, nodeName);
  if (!status.isSuccess()) {
    fwk.runUnreservePlugins(state, assumed, nodeName);
    ctx.cache.forgetPod(assumed.key);
    return status;
  }
  ctx.cache.finishBinding(assumed.key);
  fwk.runPostBindPlugins(state, assumed, nodeName);
  return status;
}

/** A Reserve or Permit rejection reads like a one-node FitError; an Error stays an error. */
function failure(s: Status, ctx: CycleContext, nodeName: string): CycleOutcome {
  if (s.code === 'Error') return { kind: 'error', error: s.error ?? new Error(s.message()) };
  const statuses = new Map([[nodeName, s]]);
  return { kind: 'unschedulable', error: new FitError(ctx.algorithm.snapshot.numNodes, statuses) };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
