import {
  FakeClock,
  type KubeObject,
  type Namespace,
  type Node,
  type Pod,
  type PodDisruptionBudget,
  silentLogger,
} from '@flotilla/core';
import { PodInfo, podKey } from './cache/pod-info.js';
import { SchedulerCache } from './cache/scheduler-cache.js';
import { Snapshot } from './cache/snapshot.js';
import { Framework } from './framework/framework.js';
import type { SchedulerClient } from './framework/handle.js';
import type { Profile } from './framework/profile.js';
import type { PluginRegistry } from './framework/registry.js';
import { defaultProfile, defaultRegistry } from './plugins/default-plugins.js';
import type { WorkloadLister } from './plugins/pod-topology-spread/default-selector.js';
import { NominatedPods } from './queue/nominator.js';
import { GenericScheduler } from './scheduling/generic-scheduler.js';
import { scheduleOne } from './scheduling/schedule-one.js';
import { seededRandom } from './scheduling/seeded-random.js';

/** Input of `simulate`. */
export interface SimulateOptions {
  nodes: readonly Node[];
  /** Pods with `spec.nodeName` are already running there; the others are scheduled, in queue order. */
  pods: readonly Pod[];
  /**
   * Namespaces with their labels, which affinity terms' `namespaceSelector`s
   * match. A pod's namespace not listed here counts as one without labels.
   */
  namespaces?: readonly Namespace[];
  /**
   * Services, ReplicationControllers, ReplicaSets and StatefulSets: a pod
   * that declares no topology spread constraints is spread (kube-scheduler's
   * System defaulting) over the pods its Services and controller select.
   * PodDisruptionBudgets given here steer preemption to victims whose
   * eviction violates none.
   */
  workloads?: readonly KubeObject[];
  /** Default: kube-scheduler's default profile. Its `schedulerName` is ignored: every pod is scheduled. */
  profile?: Profile;
  /** Needed only for custom plugins. Default: the in-tree plugins. */
  registry?: PluginRegistry;
  /** Seeds tie-breaking: the same seed and input give the same placements. */
  seed?: number;
  /** Percentage of nodes to score, as the Scheduler's option. */
  percentageOfNodesToScore?: number;
}

/** A pod preemption evicted to make room for another. */
export interface Eviction {
  /** The evicted pod. */
  pod: Pod;
  /** The node it was evicted from. */
  node: string;
  /** The higher-priority pod it made room for. */
  preemptor: Pod;
}

/** What `simulate` decided. */
export interface SimulationResult {
  /** Where each scheduled pod went (pods later evicted by preemption are not listed). */
  placements: { pod: Pod; node: string }[];
  /** Pods that fit nowhere, with kube-scheduler's reasons and full message. */
  unschedulable: { pod: Pod; reasons: string[]; message: string }[];
  /** Pods evicted by preemption. */
  evictions: Eviction[];
}

/**
 * Schedules pods onto nodes with the same framework and plugins as the
 * Scheduler, without a store: for capacity planning, or for an app that
 * places work on its own workers.
 *
 * Guarantees: pods are taken in queue order (priority, then input order);
 * each placed pod counts on its node before the next one is scheduled;
 * with a `seed` the result is deterministic. A pod that preemption made room
 * for is retried once, right away.
 *
 * Caveats: Permit plugins that Wait would hold the simulation; pod keys
 * (`namespace/name`) must be unique.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const clock = new FakeClock();
  const random = seededRandom(options.seed);
  const cache = new SchedulerCache({ clock });
  const snapshot = new Snapshot();
  const nominator = new NominatedPods();
  const result: SimulationResult = { placements: [], unschedulable: [], evictions: [] };
  const placed = new Map<string, { pod: Pod; node: string }>();
  const client: SchedulerClient = {
    bindPod: async (pod, node) => {
      const bound = { ...pod, spec: { ...pod.spec, nodeName: node } };
      placed.set(podKey(pod), { pod: bound, node });
      cache.addPod(bound);
    },
    evictPod: async (victim, preemptor) => {
      cache.removePod(victim);
      placed.delete(podKey(victim));
      result.evictions.push({ pod: victim, node: victim.spec.nodeName ?? '', preemptor });
    },
    setNominatedNodeName: async () => {},
  };
  const fwk = new Framework(options.profile ?? defaultProfile(), {
    registry: options.registry ?? defaultRegistry(),
    clock,
    logger: silentLogger(),
    client,
    nominator,
    random,
    snapshot,
    workloads: workloadListerOf(options.workloads ?? []),
  });
  const algorithm = new GenericScheduler({
    cache,
    snapshot,
    random,
    percentageOfNodesToScore: options.percentageOfNodesToScore,
  });
  for (const n of options.nodes) cache.addNode(n);
  for (const name of new Set(options.pods.map((p) => p.metadata.namespace ?? 'default'))) {
    cache.addNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const ns of options.namespaces ?? []) cache.addNamespace(ns);
  const queue: { info: PodInfo; order: number }[] = [];
  options.pods.forEach((pod, order) => {
    if (pod.spec.nodeName) cache.addPod(pod);
    else queue.push({ info: new PodInfo(pod), order });
  });
  queue.sort((a, b) =>
    fwk.queueSortLess({ podInfo: a.info, timestamp: a.order }, { podInfo: b.info, timestamp: b.order }) ? -1 : 1,
  );
  for (const { info } of queue) {
    let current = info;
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await scheduleOne({ algorithm, cache }, fwk, current);
      if (outcome.kind === 'assumed') {
        const s = await outcome.binding;
        if (!s.isSuccess()) throw s.error ?? new Error(s.message());
        nominator.deleteNominatedPod(current.key);
        break;
      }
      if (outcome.kind === 'error') throw outcome.error;
      if (outcome.nominatedNodeName && attempt === 0) {
        const pod = current.pod;
        current = new PodInfo({ ...pod, status: { ...pod.status, nominatedNodeName: outcome.nominatedNodeName } });
        nominator.addNominatedPod(current, outcome.nominatedNodeName);
        continue;
      }
      nominator.deleteNominatedPod(current.key);
      result.unschedulable.push({ pod: info.pod, reasons: outcome.error.reasons, message: outcome.error.message });
      break;
    }
  }
  result.placements = [...placed.values()];
  return result;
}

/** A WorkloadLister over a fixed list of objects. */
function workloadListerOf(objects: readonly KubeObject[]): WorkloadLister {
  const ns = (o: KubeObject) => o.metadata.namespace ?? 'default';
  return {
    services: (namespace) => objects.filter((o) => o.kind === 'Service' && ns(o) === namespace),
    controller: (kind, namespace, name) =>
      objects.find((o) => o.kind === kind && ns(o) === namespace && o.metadata.name === name),
    disruptionBudgets: (namespace) =>
      objects.filter((o): o is PodDisruptionBudget => o.kind === 'PodDisruptionBudget' && ns(o) === namespace),
  };
}
