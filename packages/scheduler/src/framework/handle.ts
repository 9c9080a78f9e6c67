import type { Clock, Logger, Pod } from '@flotilla/core';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { WorkloadLister } from '../plugins/pod-topology-spread/default-selector.js';
import type { CycleState } from './cycle-state.js';
import type { Status } from './status.js';

/**
 * The writes the scheduler makes to the cluster. The Api-connected Scheduler
 * implements it on the Api; `simulate()` implements it in memory.
 */
export interface SchedulerClient {
  /** Binds the pod (sets `spec.nodeName` and PodScheduled=True). Fails if bound elsewhere. */
  bindPod(pod: Pod, nodeName: string): Promise<void>;
  /** Deletes a preemption victim gracefully. */
  evictPod(victim: Pod, preemptor: Pod): Promise<void>;
  /** Sets (or clears, with undefined) `status.nominatedNodeName`. */
  setNominatedNodeName(pod: Pod, nodeName: string | undefined): Promise<void>;
}

/** Pods nominated to nodes by preemption but not bound yet: they hold room on their node. */
export interface PodNominator {
  /** Pods nominated to `nodeName` by preemption, whose room Filter must keep free. */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** Records that `pod` waits for room on `nodeName`. */
  addNominatedPod(pod: PodInfo, nodeName: string): void;
  /** Forgets the nomination of the pod with key `namespace/name`. */
  deleteNominatedPod(key: string): void;
}

/**
 * What plugins get from the framework: the cycle's snapshot, the clock, the
 * client, and the framework's own runners (preemption re-runs filters).
 */
export interface FrameworkHandle {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly client: SchedulerClient;
  readonly nominator: PodNominator;
  /** Services and controllers, for plugins that default from what selects a pod (PodTopologySpread). */
  readonly workloads: WorkloadLister;
  /** A uniform random number in [0, 1) from the scheduler's seedable generator. */
  random(): number;
  /** The snapshot of the current cycle. */
  snapshot(): Snapshot;
  /** Runs every Filter (that PreFilter did not skip) with higher-or-equal priority nominated pods counted. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
  /** Tells every PreFilter plugin's extensions that `podToAdd` now runs on `nodeInfo`. */
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  /** Tells every PreFilter plugin's extensions that `podToRemove` is gone from `nodeInfo`. */
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}
