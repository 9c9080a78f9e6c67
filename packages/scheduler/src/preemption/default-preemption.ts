import { type FieldError, InvalidError, intInRange } from '@flotilla/core';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { FrameworkHandle } from '../framework/handle.js';
import type { PostFilterPlugin, PostFilterResult } from '../framework/plugin.js';
import { Status } from '../framework/status.js';
import { type Candidate, moreImportant, pickCandidate } from './candidate.js';
import { splitByBudgetViolation } from './pdb-violations.js';

/** Name of the DefaultPreemption plugin. */
export const DefaultPreemptionName = 'DefaultPreemption';

/** Arguments of DefaultPreemption (kube-scheduler's DefaultPreemptionArgs). */
export interface DefaultPreemptionArgs {
  /** Candidates to look for, as a share of the nodes. Default 10. */
  minCandidateNodesPercentage?: number;
  /** Candidates to look for at least. Default 100. */
  minCandidateNodesAbsolute?: number;
}

/** kube-scheduler's ValidateDefaultPreemptionArgs: a percentage 0..100, an absolute count >= 0, not both 0. */
function validateDefaultPreemptionArgs(args: DefaultPreemptionArgs): FieldError[] {
  const errors = [
    ...intInRange('minCandidateNodesPercentage', args.minCandidateNodesPercentage, 0, 100),
    ...intInRange('minCandidateNodesAbsolute', args.minCandidateNodesAbsolute, 0, Number.MAX_SAFE_INTEGER),
  ];
  if (args.minCandidateNodesPercentage === 0 && args.minCandidateNodesAbsolute === 0) {
    for (const field of ['minCandidateNodesPercentage', 'minCandidateNodesAbsolute']) {
      errors.push({ field, message: 'Invalid value: 0: cannot be zero at the same time as the other' });
    }
  }
  return errors;
}

const NO_VICTIMS = 'No preemption victims found for incoming pod';
const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/**
 * PostFilter that makes room for a pod that fits nowhere: on nodes the
 * pod was rejected from for a reason eviction can fix, it removes every
 * lower-priority pod, checks the pod then fits, and gives back ("reprieves")
 * as many of them as still lets it fit, most important first. It picks one
 * node by Kubernetes' order, deletes the victims gracefully and nominates
 * the node; the pod is retried and the nominated room is held for it.
 *
 * PodDisruptionBudgets (from the handle's `workloads.disruptionBudgets`)
 * steer the choice as in kube-scheduler: on each node, victims whose
 * eviction would violate a budget are reprieved first, and the node with
 * the fewest violating victims wins. Budgets are preferred, not enforced:
 * when only violating victims make room, they are preempted.
 *
 * Guarantees: a pod never preempts pods of equal or higher priority, and a
 * pod with `preemptionPolicy: Never` preempts nothing.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DefaultPreemptionName;
  private readonly pct: number;
  private readonly abs: number;

  constructor(
    private readonly handle: FrameworkHandle,
    args: DefaultPreemptionArgs = {},
  ) {
    const errors = validateDefaultPreemptionArgs(args);
    if (errors.length) throw new InvalidError('DefaultPreemptionArgs', DefaultPreemptionName, errors);
    this.pct = args.minCandidateNodesPercentage ?? 10;
    this.abs = args.minCandidateNodesAbsolute ?? 100;
  }

  async postFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    const ineligible = this.ineligibleReason(pod);
    if (ineligible) return { status: Status.unschedulable(ineligible) };
    const snap = this.handle.snapshot();
    const potential = snap.nodeInfoList.filter((n) => statuses.get(n.name)?.code === 'Unschedulable');
    const notHelpful = snap.numNodes - potential.length;
    const candidates = this.findCandidates(state, pod, potential);
    const now = this.handle.clock.now();
    const chosen = pickCandidate(candidates, now);
    if (!chosen) {
      const parts = [
        ...(potential.length ? [`${potential.length} ${NO_VICTIMS}`] : []),
        ...(notHelpful ? [`${notHelpful} ${NOT_HELPFUL}`] : []),
      ].sort();
      return {
        status: Status.unschedulable(`preemption: 0/${snap.numNodes} nodes are available: ${parts.join(', ')}.`),
      };
    }
    await this.prepare(pod, chosen);
    return { status: Status.success(), nominatedNodeName: chosen.nodeName };
  }

  private ineligibleReason(pod: PodInfo): string | undefined {
    if (pod.pod.spec.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.pod.status?.nominatedNodeName;
    const ni = nominated ? this.handle.snapshot().get(nominated) : undefined;
    if (ni?.pods.some((p) => p.pod.metadata.deletionTimestamp && p.priority < pod.priority)) {
      return 'not eligible due to a terminating pod on the nominated node.';
    }
    return undefined;
  }

  /** Dry-runs preemption on up to max(10% of nodes, 100) candidates, from a random offset. */
  private findCandidates(state: CycleState, pod: PodInfo, potential: readonly NodeInfo[]): Candidate[] {
    if (potential.length === 0) return [];
    const want = Math.min(potential.length, Math.max(Math.floor((potential.length * this.pct) / 100), this.abs));
    const offset = Math.floor(this.handle.random() * potential.length);
    const out: Candidate[] = [];
    for (let i = 0; i < potential.length && out.length < want; i++) {
      const ni = potential[(offset + i) % potential.length];
      const found = this.selectVictimsOnNode(state.clone(), pod, ni.clone());
      if (found && found.victims.length > 0) out.push({ nodeName: ni.name, ...found });
    }
    return out;
  }

  /**
   * The fewest lower-priority pods whose removal lets `pod` fit on
   * `nodeInfo` (a clone), and how many of them violate a budget; undefined
   * when removing them all does not help. Reprieves budget-violating
   * victims first, each group most important first (kube-scheduler's `SelectVictimsOnNode`).
   */
  private selectVictimsOnNode(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
  ): { victims: PodInfo[]; numPDBViolations: number } | undefined {
    const h = this.handle;
    const lower = nodeInfo.pods.filter((p) => p.priority < pod.priority && !p.pod.metadata.deletionTimestamp);
    if (lower.length === 0) return undefined;
    for (const p of lower) {
      nodeInfo.removePod(p.key);
      if (!h.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo).isSuccess()) return undefined;
    }
    if (!h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo).isSuccess()) return undefined;
    const now = h.clock.now();
    const budgets = h.workloads.disruptionBudgets?.bind(h.workloads) ?? (() => []);
    const { violating, nonViolating } = splitByBudgetViolation(
      [...lower].sort((a, b) => moreImportant(a, b, now)),
      budgets,
    );
    const victims: PodInfo[] = [];
    /** Puts `p` back; keeps it a victim (returns true) if the pod then no longer fits. */
    const staysVictim = (p: PodInfo) => {
      nodeInfo.addPod(p);
      h.runPreFilterExtensionAddPod(state, pod, p, nodeInfo);
      if (h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo).isSuccess()) return false;
      nodeInfo.removePod(p.key);
      h.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo);
      victims.push(p);
      return true;
    };
    const numPDBViolations = violating.filter(staysVictim).length;
    for (const p of nonViolating) staysVictim(p);
    return { victims, numPDBViolations };
  }

  /** Evicts the victims and takes the node back from lower-priority pods nominated to it. */
  private async prepare(pod: PodInfo, c: Candidate): Promise<void> {
    const h = this.handle;
    await Promise.all(c.victims.map((v) => h.client.evictPod(v.pod, pod.pod)));
    for (const np of h.nominator.nominatedPodsForNode(c.nodeName)) {
      if (np.priority >= pod.priority || np.key === pod.key) continue;
      h.nominator.deleteNominatedPod(np.key);
      await h.client.setNominatedNodeName(np.pod, undefined);
    }
  }
}

/** Factory for the registry. */
export const newDefaultPreemption = (args: unknown, handle: FrameworkHandle): DefaultPreemption =>
  new DefaultPreemption(handle, (args ?? {}) as DefaultPreemptionArgs);
