import { DEFAULT_SCHEDULER_NAME, type PluginConfig, type Profile } from '../framework/profile.js';
import { PluginRegistry } from '../framework/registry.js';
import { DefaultPreemptionName, newDefaultPreemption } from '../preemption/default-preemption.js';
import { BalancedAllocationName, newBalancedAllocation } from './balanced-allocation/balanced-allocation.js';
import { DefaultBinderName, newDefaultBinder } from './default-binder/default-binder.js';
import { ImageLocalityName, newImageLocality } from './image-locality/image-locality.js';
import { InterPodAffinityName, newInterPodAffinity } from './inter-pod-affinity/inter-pod-affinity.js';
import { NodeAffinityName, newNodeAffinity } from './node-affinity/node-affinity.js';
import { NodeNameName, newNodeName } from './node-name/node-name.js';
import { NodePortsName, newNodePorts } from './node-ports/node-ports.js';
import { NodeResourcesFitName, newNodeResourcesFit } from './node-resources-fit/node-resources-fit.js';
import { NodeUnschedulableName, newNodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { newPodTopologySpread, PodTopologySpreadName } from './pod-topology-spread/pod-topology-spread.js';
import { newPrioritySort, PrioritySortName } from './priority-sort/priority-sort.js';
import { newTaintToleration, TaintTolerationName } from './taint-toleration/taint-toleration.js';

/** A registry with every in-tree plugin. Clone it (or make your own) to add plugins. */
export function defaultRegistry(): PluginRegistry {
  return new PluginRegistry()
    .register(PrioritySortName, newPrioritySort)
    .register(NodeUnschedulableName, newNodeUnschedulable)
    .register(NodeNameName, newNodeName)
    .register(TaintTolerationName, newTaintToleration)
    .register(NodeAffinityName, newNodeAffinity)
    .register(NodePortsName, newNodePorts)
    .register(NodeResourcesFitName, newNodeResourcesFit)
    .register(PodTopologySpreadName, newPodTopologySpread)
    .register(InterPodAffinityName, newInterPodAffinity)
    .register(DefaultPreemptionName, newDefaultPreemption)
    .register(BalancedAllocationName, newBalancedAllocation)
    .register(ImageLocalityName, newImageLocality)
    .register(DefaultBinderName, newDefaultBinder);
}

/** kube-scheduler's default plugins, in its order, with its default score weights. */
export function defaultPlugins(): PluginConfig[] {
  return [
    { name: PrioritySortName },
    { name: NodeUnschedulableName },
    { name: NodeNameName },
    { name: TaintTolerationName, weight: 3 },
    { name: NodeAffinityName, weight: 2 },
    { name: NodePortsName },
    { name: NodeResourcesFitName, weight: 1 },
    { name: PodTopologySpreadName, weight: 2 },
    { name: InterPodAffinityName, weight: 2 },
    { name: DefaultPreemptionName },
    { name: BalancedAllocationName, weight: 1 },
    { name: ImageLocalityName, weight: 1 },
    { name: DefaultBinderName },
  ];
}

/** Options of `defaultProfile`. */
export interface DefaultProfileOptions {
  schedulerName?: string;
  /** Plugin names to leave out (e.g. `DefaultPreemption`). */
  disabled?: string[];
  /** Plugins to add after the defaults (or replace, by name: args and weight). */
  plugins?: PluginConfig[];
}

/** The default profile, optionally under another scheduler name, with plugins left out, added or reconfigured. */
export function defaultProfile(options: DefaultProfileOptions = {}): Profile {
  const disabled = new Set(options.disabled ?? []);
  const extra = new Map((options.plugins ?? []).map((p) => [p.name, p]));
  const plugins = defaultPlugins()
    .filter((p) => !disabled.has(p.name))
    .map((p) => extra.get(p.name) ?? p);
  for (const p of extra.values()) if (!plugins.some((q) => q.name === p.name)) plugins.push(p);
  return { schedulerName: options.schedulerName ?? DEFAULT_SCHEDULER_NAME, plugins };
}
