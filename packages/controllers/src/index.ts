/**
 * @flotilla/controllers: Kubernetes' workload controllers (ReplicaSet,
 * ReplicationController, Deployment, DaemonSet, Job, CronJob, garbage
 * collector, pod GC) as reconcilers on the core Manager,
 * each usable alone, plus the kube-controller-manager preset.
 *
 * @packageDocumentation
 * @module @flotilla/controllers
 */
export {
  type HorizontalPodAutoscalerOptions,
  HorizontalPodAutoscalerReconciler,
  HPA_SYNC_PERIOD_MS,
} from './autoscaler/hpa-controller.js';
export { MetricsApiPodMetrics } from './autoscaler/metrics-api-pod-metrics.js';
export {
  type HorizontalPodAutoscalerRegisterOptions,
  registerHorizontalPodAutoscalerController,
} from './autoscaler/register.js';
export {
  calculateReplicas,
  DEFAULT_TOLERANCE,
  groupPodSamples,
  type PodGroups,
  type PodSample,
  type ReplicaProposal,
  type ResourceTarget,
} from './autoscaler/replica-calculator.js';
export { readScale, type Scale, writeScale } from './autoscaler/scale-target.js';
export {
  applyBehavior,
  type BehaviorInput,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  type LimitReason,
  type Recommendation,
  type ResolvedRules,
  resolveBehavior,
  type ScaleEvent,
  scaleDownLimit,
  scaleUpLimit,
} from './autoscaler/scaling-behavior.js';
export { withIndex } from './cache-indexes/ensure-index.js';
export {
  PODS_BY_LABEL_INDEX,
  podsForService,
  SERVICES_BY_SELECTOR_INDEX,
  servicesSelecting,
} from './cache-indexes/label-pairs.js';
export { PODS_BY_NODE_INDEX, podsOnNode } from './cache-indexes/pods-by-node.js';
export {
  type ClusterRoleAggregationRegisterOptions,
  registerClusterRoleAggregationController,
} from './clusterrole-aggregation/register.js';
export { type CacheSource, type ControllerContext, managerContext } from './controller-context/controller-context.js';
export { type EventSink, EventSpamFilter } from './controller-context/event-spam-filter.js';
export * from './controller-manager.js';
export { CronJobReconciler, cronJobScheduledTimestampAnnotation } from './cronjob/cronjob-controller.js';
export { registerCronJobController } from './cronjob/register.js';
export { type CronSchedule, jobNameFor, mostRecentUnmetTime, parseCronSchedule } from './cronjob/schedule.js';
export { controllerRevisionHashLabel, targetNodeName } from './daemonset/daemon-pods.js';
export { DaemonSetReconciler } from './daemonset/daemonset-controller.js';
export { daemonPodTolerations, type NodeEligibility, nodeEligibility } from './daemonset/node-eligibility.js';
export { registerDaemonSetController } from './daemonset/register.js';
export * from './deployment/annotations.js';
export { DeploymentReconciler, defaultRevisionHistoryLimit } from './deployment/deployment-controller.js';
export {
  DeploymentReason,
  defaultProgressDeadlineSeconds,
  type RolloutStatus,
  rolloutStatusMessage,
} from './deployment/deployment-status.js';
export { podTemplateHash, podTemplateHashLabel } from './deployment/pod-template-hash.js';
export { registerDeploymentController } from './deployment/register.js';
export {
  deploymentFenceposts,
  type Fenceposts,
  maxUnavailableOf,
  newReplicaSetTarget,
  type ReplicaSetCounts,
  resolveFenceposts,
} from './deployment/rolling-math.js';
export { type RollbackResult, rollbackDeployment, rolloutStatus } from './deployment/rollout.js';
export {
  DISRUPTION_ALLOWED_CONDITION,
  DISRUPTION_DELETION_TIMEOUT_MS,
  DisruptionReconciler,
} from './disruption/disruption-controller.js';
export { registerDisruptionController } from './disruption/register.js';
export {
  type EndpointsOptions,
  EndpointsReconciler,
  endpointSubsets,
  HEADLESS_LABEL,
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
} from './endpoints/endpoints-controller.js';
export { type EndpointsRegisterOptions, registerEndpointsController } from './endpoints/register.js';
export { MAX_ENDPOINTS_CAPACITY, OVER_CAPACITY_ANNOTATION, truncateEndpoints } from './endpoints/truncate-endpoints.js';
export type { Endpoint, EndpointPort, EndpointSlice } from './endpointslice/discovery-types.js';
export {
  type EndpointSliceOptions,
  EndpointSliceReconciler,
  managedSlices,
} from './endpointslice/endpointslice-controller.js';
export { type EndpointSliceRegisterOptions, registerEndpointSliceController } from './endpointslice/register.js';
export {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MAX_ENDPOINTS_PER_SLICE,
  SERVICE_NAME_LABEL,
} from './endpointslice/slice-labels.js';
export { planSlices, type SlicePlan, toEndpoint } from './endpointslice/slice-plan.js';
export { SliceTracker } from './endpointslice/slice-tracker.js';
export { DependencyGraph, type GraphNode } from './garbage-collector/dependency-graph.js';
export { GarbageCollector } from './garbage-collector/garbage-collector.js';
export { registerGarbageCollector } from './garbage-collector/register.js';
export { scaledValue } from './intstr/int-or-percent.js';
export { podFailureBackoffMs } from './job/backoff.js';
export { completionIndexEnv, completionIndexKey } from './job/completion-index.js';
export { isJobFinished, JobReason, JobReconciler } from './job/job-controller.js';
export { jobTrackingFinalizer } from './job/job-tracking.js';
export { JobOrphanPodReconciler } from './job/orphan-pods.js';
export { registerJobController } from './job/register.js';
export { NAMESPACE_FINALIZER, NAMESPACE_RECHECK_MS, NamespaceReconciler } from './namespace/namespace-controller.js';
export { registerNamespaceController } from './namespace/register.js';
export { EvictionLimiter } from './node-lifecycle/eviction-limiter.js';
export { MONITORED_NODE_CONDITIONS, readyStatus, unknownConditions } from './node-lifecycle/node-conditions.js';
export {
  NODE_MONITOR_GRACE_PERIOD_MS,
  NODE_STARTUP_GRACE_PERIOD_MS,
  type NodeHealthOptions,
  NodeHealthTracker,
} from './node-lifecycle/node-health.js';
export {
  NODE_LEASE_NAMESPACE,
  NODE_MONITOR_PERIOD_MS,
  type NodeLifecycleOptions,
  NodeLifecycleReconciler,
} from './node-lifecycle/node-lifecycle-controller.js';
export {
  MANAGED_TAINT_KEYS,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from './node-lifecycle/node-taints.js';
export { type NodeLifecycleRegisterOptions, registerNodeLifecycleController } from './node-lifecycle/register.js';
export { TaintEvictionReconciler } from './node-lifecycle/taint-eviction-controller.js';
export { evictionDeadline, toleratesTaint } from './node-lifecycle/tolerations.js';
export {
  type DisruptionOptions,
  evictionRateFor,
  REGION_LABEL,
  resolveDisruptionOptions,
  ZONE_LABEL,
  type ZoneState,
  zoneOf,
  zoneState,
} from './node-lifecycle/zone-disruption.js';
export { PodGarbageCollector, type PodGCOptions, type PodGCPass } from './pod-gc/pod-gc.js';
export { registerPodGarbageCollector } from './pod-gc/register.js';
export { rolloutProgress } from './progress/rollout-progress.js';
export {
  isProgressKind,
  type ProgressKind,
  type ProgressState,
  type WorkloadProgress,
  workloadProgress,
} from './progress/workload-progress.js';
export { podDeletionCostAnnotation, podsToDelete } from './replicaset/pod-deletion-order.js';
export {
  type RegisterOptions,
  registerReplicaSetController,
  registerReplicationControllerController,
} from './replicaset/register.js';
export { burstReplicas, ReplicaSetReconciler } from './replicaset/replica-set-controller.js';
export { type ReplicaSetKind, replicaSetKind } from './replicaset/replica-set-kind.js';
export { replicationControllerKind } from './replicationcontroller/replication-controller-kind.js';
export { ALLOCATION_REPAIR_INTERVAL_MS, AllocationRepair } from './service/allocation-repair.js';
export { Bitmap } from './service/bitmap.js';
export { DEFAULT_SERVICE_CIDR, ipToNumber, numberToIp, parseServiceCidr, type ServiceRange } from './service/cidr.js';
export { DEFAULT_NODE_PORT_RANGE, parseNodePortRange } from './service/node-port-range.js';
export { type AllocateFailure, RangeAllocator } from './service/range-allocator.js';
export { registerServiceController, type ServiceRegisterOptions } from './service/register.js';
export { type ServiceAllocationOptions, ServiceAllocations } from './service/service-allocations.js';
export {
  DEFAULT_SERVICE_ACCOUNT,
  DefaultServiceAccountReconciler,
} from './service-account/default-service-account-controller.js';
export { registerServiceAccountControllers, type ServiceAccountRegisterOptions } from './service-account/register.js';
export { type PodEndpoint, podEndpoints, type ResolvedPort } from './service-backends/pod-endpoint.js';
export { SyncBatcher } from './service-backends/service-sync.js';
export { resolveTargetPort } from './service-backends/target-port.js';
export { registerStatefulSetController } from './statefulset/register.js';
export { rollbackStatefulSet } from './statefulset/rollback.js';
export { podIndexLabel, statefulSetPodNameLabel } from './statefulset/stateful-identity.js';
export { StatefulSetReconciler } from './statefulset/statefulset-controller.js';
export { ClaimReconciler, type VolumeBinderOptions } from './volume-binder/claim-controller.js';
export { HostPathProvisioner } from './volume-binder/host-path-provisioner.js';
export type { ProvisionedVolume, ProvisionRequest, VolumeProvisioner } from './volume-binder/provisioner.js';
export { registerVolumeBinderControllers, type VolumeBinderRegisterOptions } from './volume-binder/register.js';
export {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  SELECTED_NODE_ANNOTATION,
  type StorageClassSpec,
} from './volume-binder/storage-class.js';
export { VolumeReconciler } from './volume-binder/volume-controller.js';
export { findBestVolume, requestedBytes, volumeFitsNode, volumeMatches } from './volume-binder/volume-matching.js';
