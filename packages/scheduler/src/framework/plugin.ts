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

/**
 * Kinds of cluster changes that can make an unschedulable pod schedulable.
 * `NamespaceUpdate` is a namespace whose labels changed (what
 * `namespaceSelector`s in affinity terms read).
 */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'NamespaceUpdate';

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
  /** Success lets the pod into the active queue; any other status keeps it out until an event changes that. */
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
  /** True when `a` should be scheduled before `b`. */
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
  /** Updates the cycle state as if `podToAdd` ran on `nodeInfo`. */
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  /** Updates the cycle state as if `podToRemove` were gone from `nodeInfo` (a preemption victim). */
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

/** Computes per-cycle data once; may reject the pod outright or narrow the node set. */
export interface PreFilterPlugin extends Plugin {
  /** Runs once per cycle before any Filter; a non-success status makes the pod unschedulable on every node. */
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterResult;
  readonly preFilterExtensions?: PreFilterExtensions;
}

/** Says whether the pod can run on one node. Must be cheap and must not change anything. */
export interface FilterPlugin extends Plugin {
  /** Success if the pod fits `nodeInfo`; otherwise a status whose reasons explain why (`Insufficient cpu`). */
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

/** What a PostFilter did: usually a node nominated after preemption. */
export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
}

/** Runs when no node fits (preemption). `filteredNodeStatuses` has each rejected node's status. */
export interface PostFilterPlugin extends Plugin {
  /** Tries to make the pod schedulable (by preemption); Success with a nominated node when it did. */
  postFilter(
    state: CycleState,
    pod: PodInfo,
    filteredNodeStatuses: ReadonlyMap<string, Status>,
  ): Promise<PostFilterResult>;
}

/** Computes per-cycle data for scoring over the feasible nodes; `Skip` skips this plugin's Score. */
export interface PreScorePlugin extends Plugin {
  /** Runs once per cycle over the feasible nodes, before Score. */
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
  /** This plugin's raw score of one feasible node: higher is better. */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /** Rescales every node's raw score to 0..100, in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): Status;
}

/** Reserves resources a plugin tracks for the chosen node; `unreserve` undoes it and must be idempotent. */
export interface ReservePlugin extends Plugin {
  /** Claims what the plugin tracks on `nodeName` before binding; a failure unreserves and fails the cycle. */
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  /** Releases what `reserve` claimed when the cycle or binding fails; idempotent. */
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Permit's answer: allow (Success), deny (Unschedulable), or Wait up to `timeoutMs`. */
export interface PermitResult {
  status: Status;
  timeoutMs?: number;
}

/** Gates binding: allow, deny, or hold the pod until another party allows or rejects it. */
export interface PermitPlugin extends Plugin {
  /** Allows, denies, or asks to wait before the pod is bound. */
  permit(state: CycleState, pod: PodInfo, nodeName: string): PermitResult;
}

/** Work before binding (e.g. provisioning a volume). */
export interface PreBindPlugin extends Plugin {
  /** Prepares the node for the pod; a failure unreserves and requeues the pod. */
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Binds the pod. `Skip` passes the pod to the next Bind plugin. */
export interface BindPlugin extends Plugin {
  /** Writes the binding (or returns Skip for the next Bind plugin). */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  /** Told after the pod was bound; cannot fail the binding. */
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}
