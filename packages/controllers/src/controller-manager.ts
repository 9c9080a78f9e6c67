import type { ClusterApi, Manager, PodMetricsSource } from '@flotilla/core';
import { ContainerModule } from 'inversify';
import { registerHorizontalPodAutoscalerController } from './autoscaler/register.js';
import { registerClusterRoleAggregationController } from './clusterrole-aggregation/register.js';
import { registerCronJobController } from './cronjob/register.js';
import { registerDaemonSetController } from './daemonset/register.js';
import { registerDeploymentController } from './deployment/register.js';
import { registerDisruptionController } from './disruption/register.js';
import { registerEndpointsController } from './endpoints/register.js';
import { registerEndpointSliceController } from './endpointslice/register.js';
import { registerGarbageCollector } from './garbage-collector/register.js';
import { registerJobController } from './job/register.js';
import { registerNamespaceController } from './namespace/register.js';
import { registerNodeLifecycleController } from './node-lifecycle/register.js';
import { registerPodGarbageCollector } from './pod-gc/register.js';
import {
  type RegisterOptions,
  registerReplicaSetController,
  registerReplicationControllerController,
} from './replicaset/register.js';
import { registerServiceController } from './service/register.js';
import { registerServiceAccountControllers } from './service-account/register.js';
import { registerStatefulSetController } from './statefulset/register.js';
import { registerVolumeBinderControllers } from './volume-binder/register.js';

/**
 * Cluster-wide settings of the preset, handed to every registration; each
 * controller reads the ones it needs (the names follow the kube-controller-manager
 * and kube-apiserver flags they stand for).
 */
export interface ControllerManagerSettings {
  /**
   * Where the HPA controller reads pod usage, the metrics-server's role (e.g. core's
   * `InMemoryPodMetrics` that the runtime NodeAgents write). Default: the
   * `metrics.k8s.io` API read through the manager's Api (`MetricsApiPodMetrics`);
   * where it is not served, every HPA reports FailedGetResourceMetric.
   */
  metrics?: PodMetricsSource;
  /** `--service-cluster-ip-range`: the CIDR ClusterIPs are allocated from. Default `10.96.0.0/12`. */
  serviceClusterIPRange?: string;
  /** `--service-node-port-range`: the `first-last` ports NodePorts are allocated from. Default `30000-32767`. */
  serviceNodePortRange?: string;
}

/** What the preset passes to a registration: its worker count and the cluster-wide settings. */
export interface PresetRegisterOptions extends RegisterOptions, ControllerManagerSettings {}

/** One controller the preset can start: its name (as in kube-controller-manager's `--controllers`) and how to add it. */
export interface ControllerRegistration {
  name: string;
  /** Workers when the caller does not say (kube-controller-manager's `--concurrent-*-syncs` default). */
  defaultConcurrency: number;
  /** Adds the controller to `manager` (before `manager.start`) with the given worker count and settings. */
  register(manager: Manager<ClusterApi>, opts: PresetRegisterOptions): unknown;
}

/**
 * Every controller of this package, in start order. Other controllers join
 * the preset by adding an entry here (or by passing their own list to
 * `startControllerManager`).
 */
export const controllerRegistrations: readonly ControllerRegistration[] = [
  { name: 'replicaset', defaultConcurrency: 5, register: registerReplicaSetController },
  { name: 'replicationcontroller', defaultConcurrency: 5, register: registerReplicationControllerController },
  { name: 'deployment', defaultConcurrency: 5, register: registerDeploymentController },
  { name: 'nodelifecycle', defaultConcurrency: 1, register: registerNodeLifecycleController },
  {
    name: 'service',
    defaultConcurrency: 1,
    register: (manager, { serviceClusterIPRange, serviceNodePortRange, ...opts }) =>
      registerServiceController(manager, {
        ...opts,
        serviceCidr: serviceClusterIPRange,
        nodePortRange: serviceNodePortRange,
      }),
  },
  { name: 'daemonset', defaultConcurrency: 2, register: registerDaemonSetController },
  { name: 'statefulset', defaultConcurrency: 5, register: registerStatefulSetController },
  { name: 'disruption', defaultConcurrency: 1, register: registerDisruptionController },
  { name: 'job', defaultConcurrency: 5, register: registerJobController },
  { name: 'cronjob', defaultConcurrency: 5, register: registerCronJobController },
  { name: 'garbagecollector', defaultConcurrency: 20, register: registerGarbageCollector },
  { name: 'podgc', defaultConcurrency: 1, register: registerPodGarbageCollector },
  { name: 'endpoint', defaultConcurrency: 5, register: registerEndpointsController },
  { name: 'endpointslice', defaultConcurrency: 5, register: registerEndpointSliceController },
  { name: 'namespace', defaultConcurrency: 10, register: registerNamespaceController },
  { name: 'serviceaccount', defaultConcurrency: 1, register: registerServiceAccountControllers },
  { name: 'horizontalpodautoscaling', defaultConcurrency: 5, register: registerHorizontalPodAutoscalerController },
  { name: 'persistentvolume-binder', defaultConcurrency: 1, register: registerVolumeBinderControllers },
  { name: 'clusterrole-aggregation', defaultConcurrency: 1, register: registerClusterRoleAggregationController },
];

/** Options of `startControllerManager`. */
export interface ControllerManagerOptions extends ControllerManagerSettings {
  /** Names to start; default every registration. Unknown names are refused. */
  controllers?: readonly string[];
  /** Workers per controller name, overriding the defaults. */
  concurrency?: Partial<Record<string, number>>;
  /** The registrations to choose from; default `controllerRegistrations`. */
  registrations?: readonly ControllerRegistration[];
}

/**
 * The kube-controller-manager preset: adds the chosen controllers to
 * `manager` with Kubernetes' default worker counts. Call before
 * `manager.start(signal)`; the manager's Clock, Api and shared informers
 * serve every controller. Returns the names added.
 *
 * @throws Error naming the unknown controllers, so a typo is not silently ignored.
 */
export function startControllerManager(manager: Manager<ClusterApi>, opts: ControllerManagerOptions = {}): string[] {
  const { controllers, concurrency, registrations = controllerRegistrations, ...settings } = opts;
  const wanted = controllers ?? registrations.map((r) => r.name);
  const unknown = wanted.filter((n) => !registrations.some((r) => r.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown controllers: ${unknown.join(', ')}; choose from ${registrations.map((r) => r.name).join(', ')}`,
    );
  }
  const started: string[] = [];
  for (const r of registrations) {
    if (!wanted.includes(r.name)) continue;
    r.register(manager, { ...settings, concurrency: concurrency?.[r.name] ?? r.defaultConcurrency });
    started.push(r.name);
  }
  return started;
}

/** Injection token for the options the inversify module passes to `startControllerManager`. */
export const ControllerManagerOptionsToken = Symbol.for('flotilla.controllers.ControllerManagerOptions');
/** Injection token of a function that adds the preset's controllers to a Manager. */
export const StartControllerManagerToken = Symbol.for('flotilla.controllers.startControllerManager');

/**
 * An inversify module binding `StartControllerManagerToken` to a function
 * `(manager) => names` that applies `startControllerManager` with the options
 * bound to `ControllerManagerOptionsToken` (none when unbound).
 */
export const controllersModule = new ContainerModule(({ bind }) => {
  bind(StartControllerManagerToken).toDynamicValue((ctx) => {
    const opts = ctx.get<ControllerManagerOptions>(ControllerManagerOptionsToken, { optional: true }) ?? {};
    return (manager: Manager<ClusterApi>) => startControllerManager(manager, opts);
  });
});
