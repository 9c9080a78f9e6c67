import type { Pod } from '@flotilla/core';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { CycleState } from './cycle-state.js';
import type { Status } from './status.js';

/**
 * The extension points of kube-scheduler's framework, one interface each.
 * A plugin is an object with a `name` that implements any of them; the
 * framework finds which by the methods it has.
 */
export interface Plugin {
  readonly name: string;
}

/** Kinds of cluster changes that can make an unschedulable pod schedulable. */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

/**
 * Which cluster events may make a pod this plugin rejected schedulable
 * (kube-scheduler's EnqueueExtensions): a pod rejected only by plugins that
 * do not care about an event stays in the unschedulable set.
 */
export interface EnqueueExtensions extends Plugin {
  readonly events: readonly ClusterEvent[];
}

/** Decides whether a pod may enter the active queue at all (e.g. scheduling gates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status;
}

/** A pod waiting in the queue, as QueueSort compares them. */
export interface QueuedPodRef {
  readonly podInfo: PodInfo;
  /** When the pod last entered the queue (Clock ms). */
  readonly timestamp: number;
}

/** Orders the active queue. Only one QueueSort plugin may be enabled. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodRef, b: QueuedPodRef): boolean;
}

/** What PreFilter answered: a status and, optionally, the only nodes worth filtering. */
export interface PreFilterResult {
  status: Status;
  /** Narrowed node set (e.g. NodeName, NodeAffinity with a single-node term). Undefined = all nodes. */
  nodeNames?: ReadonlySet<string>;
}

/**
 * Incremental updates of a PreFilter plugin's cycle state, used when
 * preemption asks "what if this pod were added / removed on that node".
 */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

/** Computes per-cycle data once; may reject the pod outright or narrow the node set. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterResult;
  readonly preFilterExtensions?: PreFilterExtensions;
}

/** Says whether the pod can run on one node. Must be cheap and must not change anything. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

/** What a PostFilter did: usually a node nominated after preemption. */
export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
}

/** Runs when no node fits (preemption). `filteredNodeStatuses` has each rejected node's status. */
export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: PodInfo,
    filteredNodeStatuses: ReadonlyMap<string, Status>,
  ): Promise<PostFilterResult>;
}

/** Computes per-cycle data for scoring over the feasible nodes; `Skip` skips this plugin's Score. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

/** A node's score from one plugin. */
export interface NodeScore {
  name: string;
  score: number;
}

/**
 * Ranks a feasible node. Raw scores may be on any scale if `normalizeScore`
 * is given (it must bring them to 0..100); otherwise they must be 0..100.
 *
 * Caveats: the `scores` array given to `normalizeScore` is reused by the
 * framework after the call; change it in place, do not keep it.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): Status;
}

/** Reserves resources a plugin tracks for the chosen node; `unreserve` undoes it and must be idempotent. */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Permit's answer: allow (Success), deny (Unschedulable), or Wait up to `timeoutMs`. */
export interface PermitResult {
  status: Status;
  timeoutMs?: number;
}

/** Gates binding: allow, deny, or hold the pod until another party allows or rejects it. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): PermitResult;
}

/** Work before binding (e.g. provisioning a volume). */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Binds the pod. `Skip` passes the pod to the next Bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}
