import { InvalidError } from '@flotilla/core';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, ScorePlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';
import { amountOf, isExtendedResource, requestedWithPod } from './resource-amounts.js';
import {
  DEFAULT_SCORED_RESOURCES,
  type ResourceScorer,
  type ResourceSpec,
  type ScoringStrategy,
  scorerFor,
  validateNodeResourcesFitArgs,
} from './scoring-strategy.js';

/** Name of the NodeResourcesFit plugin. */
export const NodeResourcesFitName = 'NodeResourcesFit';

/** Arguments of NodeResourcesFit. */
export interface NodeResourcesFitArgs {
  /** Default LeastAllocated on cpu and memory. */
  scoringStrategy?: ScoringStrategy;
  /** Extended resources the filter does not check (managed elsewhere). */
  ignoredResources?: string[];
}

/** Why a resource does not fit, in kube-scheduler's words. */
export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/**
 * Lists every resource the pod asks for that the node lacks (pod count
 * first, then cpu, memory, ephemeral-storage and extended resources).
 * Shared by the filter and by preemption, which asks the same question on a
 * node with victims removed.
 */
export function insufficientResources(
  pod: PodInfo,
  nodeInfo: NodeInfo,
  ignored?: ReadonlySet<string>,
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  if (nodeInfo.pods.length + 1 > alloc.pods) {
    out.push({
      resource: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: nodeInfo.pods.length,
      capacity: alloc.pods,
    });
  }
  const req = pod.resources.requests;
  for (const name of ['cpu', 'memory', 'ephemeral-storage', ...req.scalar.keys()]) {
    const want = amountOf(req, name);
    if (want === 0 || ignored?.has(name)) continue;
    const used = amountOf(nodeInfo.requested, name);
    const cap = amountOf(alloc, name);
    if (want > cap - used)
      out.push({ resource: name, reason: `Insufficient ${name}`, requested: want, used, capacity: cap });
  }
  return out;
}

/** The allocation-free yes/no version of `insufficientResources`, for the filter's hot path. */
function fits(pod: PodInfo, nodeInfo: NodeInfo, ignored: ReadonlySet<string>): boolean {
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const req = pod.resources.requests;
  if (nodeInfo.pods.length + 1 > alloc.pods) return false;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) return false;
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) return false;
  if (req.scalar.size === 0) return true;
  for (const [name, want] of req.scalar) {
    if (want > 0 && !ignored.has(name) && want > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) {
      return false;
    }
  }
  return true;
}

/**
 * Filter: the node's allocatable covers what its pods already request plus
 * this pod's requests (cpu, memory, ephemeral storage, extended resources,
 * pod count). Score: by the scoring strategy (LeastAllocated by default)
 * over the configured resources, weighted; an extended resource counts only
 * when the pod requests it, and a pod without cpu/memory requests counts
 * as 100m / 200Mi.
 */
export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeResourcesFitName;
  readonly events: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete', 'AssignedPodUpdate'];
  private readonly ignored: ReadonlySet<string>;
  private readonly resources: readonly ResourceSpec[];
  private readonly scorer: ResourceScorer;

  constructor(args: NodeResourcesFitArgs = {}) {
    const errors = validateNodeResourcesFitArgs(args);
    if (errors.length) throw new InvalidError('NodeResourcesFitArgs', NodeResourcesFitName, errors);
    const strategy = args.scoringStrategy ?? { type: 'LeastAllocated' };
    this.ignored = new Set(args.ignoredResources ?? []);
    this.resources = strategy.resources ?? DEFAULT_SCORED_RESOURCES;
    this.scorer = scorerFor(strategy);
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (fits(pod, nodeInfo, this.ignored)) return Status.success();
    return Status.unschedulable(...insufficientResources(pod, nodeInfo, this.ignored).map((m) => m.reason));
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    let total = 0;
    let weights = 0;
    for (const r of this.resources) {
      // An extended resource the pod does not ask for says nothing about this pod's fit (kube-scheduler skips it);
      // cpu and memory always count, with the non-zero defaults for pods that set no request.
      if (isExtendedResource(r.name) && amountOf(pod.resources.requests, r.name) === 0) continue;
      const alloc = amountOf(nodeInfo.allocatable, r.name);
      if (alloc === 0) continue;
      total += this.scorer(requestedWithPod(nodeInfo, pod, r.name, true), alloc) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.floor(total / weights);
  }
}

/** Factory for the registry. */
export const newNodeResourcesFit = (args: unknown): NodeResourcesFit =>
  new NodeResourcesFit((args ?? {}) as NodeResourcesFitArgs);
