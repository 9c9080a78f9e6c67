import { FakeClock, type Namespace, type Node, type Pod, silentLogger } from '@flotilla/core';
import { PodInfo } from '../src/cache/pod-info.js';
import { SchedulerCache } from '../src/cache/scheduler-cache.js';
import { Snapshot } from '../src/cache/snapshot.js';
import { CycleState } from '../src/framework/cycle-state.js';
import { Framework } from '../src/framework/framework.js';
import type { SchedulerClient } from '../src/framework/handle.js';
import type { PluginConfig } from '../src/framework/profile.js';
import type { Status } from '../src/framework/status.js';
import { defaultRegistry } from '../src/plugins/default-plugins.js';
import type { WorkloadLister } from '../src/plugins/pod-topology-spread/default-selector.js';
import { NominatedPods } from '../src/queue/nominator.js';
import { seededRandom } from '../src/scheduling/seeded-random.js';

/** A client that records what the framework asked for. */
export function recordingClient() {
  const calls: { op: 'bind' | 'evict' | 'nominate'; pod: string; node?: string }[] = [];
  const client: SchedulerClient = {
    bindPod: async (pod, node) => {
      calls.push({ op: 'bind', pod: pod.metadata.name, node });
    },
    evictPod: async (victim) => {
      calls.push({ op: 'evict', pod: victim.metadata.name });
    },
    setNominatedNodeName: async (pod, node) => {
      calls.push({ op: 'nominate', pod: pod.metadata.name, node });
    },
  };
  return { client, calls };
}

/** A framework over a cluster of `nodes` with bound `pods` (and `namespaces`), running only `plugins`. */
export function frameworkFor(
  plugins: PluginConfig[],
  nodes: Node[],
  pods: Pod[] = [],
  namespaces: Namespace[] = [],
  workloads?: WorkloadLister,
) {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock });
  for (const n of nodes) cache.addNode(n);
  for (const ns of namespaces) cache.addNamespace(ns);
  for (const p of pods) cache.addPod(p);
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  const nominator = new NominatedPods();
  const { client, calls } = recordingClient();
  const fwk = new Framework(
    { schedulerName: 'test', plugins },
    {
      registry: defaultRegistry(),
      clock,
      logger: silentLogger(),
      client,
      nominator,
      random: seededRandom(1),
      snapshot,
      workloads,
    },
  );
  return { fwk, cache, snapshot, nominator, calls, clock };
}

/** PreFilter then Filter on every node: each node's status (PreFilter's when it rejected). */
export function filterAll(fwk: Framework, snapshot: Snapshot, pod: Pod): Map<string, Status> {
  const pi = new PodInfo(pod);
  const state = new CycleState();
  const pre = fwk.runPreFilterPlugins(state, pi, snapshot.nodeInfoList);
  const out = new Map<string, Status>();
  for (const n of snapshot.nodeInfoList) {
    out.set(n.name, pre.status.isSuccess() ? fwk.runFilterPlugins(state, pi, n) : pre.status);
  }
  return out;
}

/** PreFilter, then the weighted, normalized score of every node (or of the `candidates` named, as if the rest failed Filter). */
export function scoreAll(fwk: Framework, snapshot: Snapshot, pod: Pod, candidates?: string[]): Record<string, number> {
  const pi = new PodInfo(pod);
  const state = new CycleState();
  fwk.runPreFilterPlugins(state, pi, snapshot.nodeInfoList);
  const nodes = candidates ? snapshot.nodeInfoList.filter((n) => candidates.includes(n.name)) : snapshot.nodeInfoList;
  const totals = fwk.runScorePlugins(state, pi, nodes);
  return Object.fromEntries(nodes.map((n, i) => [n.name, totals[i]]));
}

/** A node's filter status in a compact form for tables: `'Success'` or `'<code>: <reasons>'`. */
export function brief(s: Status | undefined): string {
  if (!s) return 'none';
  return s.isSuccess() ? 'Success' : `${s.code}: ${s.message()}`;
}
