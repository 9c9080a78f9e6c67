import { InvalidError, intInRange } from '@flotilla/core';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE } from '../../framework/framework.js';
import type { PreScorePlugin, ScorePlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';
import { amountOf, isExtendedResource, requestedWithPod } from '../node-resources-fit/resource-amounts.js';
import { DEFAULT_SCORED_RESOURCES, type ResourceSpec } from '../node-resources-fit/scoring-strategy.js';

/** Name of the NodeResourcesBalancedAllocation plugin. */
export const BalancedAllocationName = 'NodeResourcesBalancedAllocation';

/** Arguments of NodeResourcesBalancedAllocation. */
export interface BalancedAllocationArgs {
  /** Default cpu and memory. */
  resources?: ResourceSpec[];
}

/**
 * Prefers nodes where the pod leaves resource use balanced: with fractions
 * f = min(requested / allocatable, 1) per resource, score =
 * (1 - standard deviation of f) * 100. Skipped for pods that request none
 * of the resources (they cannot unbalance anything).
 */
export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = BalancedAllocationName;
  private readonly resources: readonly ResourceSpec[];

  constructor(args: BalancedAllocationArgs = {}) {
    const errors = (args.resources ?? []).flatMap((r, i) => intInRange(`resources[${i}].weight`, r.weight, 1, 100));
    if (errors.length) throw new InvalidError('BalancedAllocationArgs', BalancedAllocationName, errors);
    this.resources = args.resources ?? DEFAULT_SCORED_RESOURCES;
  }

  preScore(_state: CycleState, pod: PodInfo): Status {
    const asks = this.resources.some((r) => amountOf(pod.resources.requests, r.name) > 0);
    return asks ? Status.success() : Status.skip();
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const fractions: number[] = [];
    for (const r of this.resources) {
      // As NodeResourcesFit: an extended resource the pod does not request is not scored.
      if (isExtendedResource(r.name) && amountOf(pod.resources.requests, r.name) === 0) continue;
      const alloc = amountOf(nodeInfo.allocatable, r.name);
      if (alloc === 0) continue;
      fractions.push(Math.min(requestedWithPod(nodeInfo, pod, r.name, false) / alloc, 1));
    }
    let std = 0;
    if (fractions.length === 2) std = Math.abs(fractions[0] - fractions[1]) / 2;
    else if (fractions.length > 2) {
      const mean = fractions.reduce((s, f) => s + f, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((s, f) => s + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.floor((1 - std) * MAX_NODE_SCORE);
  }
}

/** Factory for the registry. */
export const newBalancedAllocation = (args: unknown): BalancedAllocation =>
  new BalancedAllocation((args ?? {}) as BalancedAllocationArgs);
