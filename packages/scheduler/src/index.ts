/**
 * @flotilla/scheduler: kube-scheduler as a library. The scheduling
 * framework and its default plugins, the scheduling queue, preemption, an
 * Api-connected `Scheduler`, and `simulate()` for placing pods on plain
 * lists of nodes with no store.
 *
 * @packageDocumentation
 * @module @flotilla/scheduler
 */
export type { AffinityTerm, WeightedAffinityTerm } from './cache/affinity-term.js';
export { buildNodeInfo } from './cache/build-node-info.js';
export type { NamespaceLabels } from './cache/namespace-labels.js';
export type { ImageStateSummary, NodeInfo } from './cache/node-info.js';
export { type HostPort, type ParsedPod, PodInfo } from './cache/pod-info.js';
export { type PodRequests, podRequests, type Resource } from './cache/resource.js';
export type { Snapshot } from './cache/snapshot.js';
export { ApiSchedulerClient } from './client/api-scheduler-client.js';
export { SchedulerTokens, schedulerModule } from './di/scheduler-module.js';
export { type CloneableState, CycleState, StateKey } from './framework/cycle-state.js';
export { Framework, MAX_NODE_SCORE } from './framework/framework.js';
export type { FrameworkHandle, PodNominator, SchedulerClient } from './framework/handle.js';
export { defaultNormalizeScore } from './framework/normalize.js';
export type * from './framework/plugin.js';
export { DEFAULT_SCHEDULER_NAME, type PluginConfig, type Profile } from './framework/profile.js';
export { type PluginFactory, PluginRegistry } from './framework/registry.js';
export { Status, type StatusCode } from './framework/status.js';
export type { WaitingPod } from './framework/waiting-pod.js';
export type { AttemptResult } from './metrics/scheduler-metrics.js';
export type { BalancedAllocationArgs } from './plugins/balanced-allocation/balanced-allocation.js';
export {
  type DefaultProfileOptions,
  defaultPlugins,
  defaultProfile,
  defaultRegistry,
} from './plugins/default-plugins.js';
export type { InterPodAffinityArgs } from './plugins/inter-pod-affinity/inter-pod-affinity.js';
export type { NodeAffinityArgs } from './plugins/node-affinity/node-affinity.js';
export {
  type InsufficientResource,
  insufficientResources,
  type NodeResourcesFitArgs,
} from './plugins/node-resources-fit/node-resources-fit.js';
export type { ScoringStrategy } from './plugins/node-resources-fit/scoring-strategy.js';
export {
  defaultSpreadSelector,
  type SpreadControllerKind,
  type WorkloadLister,
} from './plugins/pod-topology-spread/default-selector.js';
export {
  type PodTopologySpreadArgs,
  SYSTEM_DEFAULT_SPREAD_CONSTRAINTS,
} from './plugins/pod-topology-spread/pod-topology-spread.js';
export type { DefaultPreemptionArgs } from './preemption/default-preemption.js';
export type { PendingPods, QueuedPodInfo } from './queue/scheduling-queue.js';
export { Scheduler, type SchedulerOptions } from './scheduler.js';
export { FitError } from './scheduling/fit-error.js';
export { type Eviction, type SimulateOptions, type SimulationResult, simulate } from './simulate.js';
