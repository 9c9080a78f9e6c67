import {
  compileLabelSelector,
  type LabelMatcher,
  type LabelSelector,
  type Node,
  type Pod,
  podNodeSelectorMatches,
  type TopologySpreadConstraint,
} from '@flotilla/core';
import { findUntoleratedTaint } from '../taint-toleration/tolerations.js';

/** A topology spread constraint ready to evaluate for one incoming pod. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  /** Undefined when the constraint has no selector: it then selects no pod. */
  selector: LabelMatcher | undefined;
  /** The effective selector as text: constraints with equal keys count the same pods. */
  selectorKey: string;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

/** Default constraints for pods that declare none (used only when configured in the plugin's args). */
export type DefaultSpreadConstraint = Pick<TopologySpreadConstraint, 'maxSkew' | 'topologyKey' | 'whenUnsatisfiable'>;

/**
 * The pod's constraints with the given `whenUnsatisfiable`, compiled. A pod
 * that declares none gets `defaults`, selecting the pods that its Services
 * and controller select (`defaultSelector`, kube-scheduler's
 * DefaultSelector); none when nothing selects it.
 */
export function spreadConstraintsOf(
  pod: Pod,
  when: TopologySpreadConstraint['whenUnsatisfiable'],
  defaults: readonly DefaultSpreadConstraint[],
  defaultSelector: (pod: Pod) => LabelSelector | undefined,
): SpreadConstraint[] {
  const declared = pod.spec.topologySpreadConstraints ?? [];
  const labels = pod.metadata.labels ?? {};
  if (declared.length === 0) {
    const wanted = defaults.filter((d) => d.whenUnsatisfiable === when);
    const selector = wanted.length ? defaultSelector(pod) : undefined;
    if (!selector) return [];
    const matcher = compileLabelSelector(selector);
    const selectorKey = JSON.stringify(selector);
    return wanted.map((d) => ({
      maxSkew: d.maxSkew,
      topologyKey: d.topologyKey,
      minDomains: 1,
      selector: matcher,
      selectorKey,
      honorNodeAffinity: true,
      honorNodeTaints: false,
    }));
  }
  return declared
    .filter((c) => c.whenUnsatisfiable === when)
    .map((c) => {
      const keys = (c.matchLabelKeys ?? []).filter((k) => k in labels);
      const sel = c.labelSelector ?? {};
      const selector = keys.length
        ? {
            ...sel,
            matchExpressions: [
              ...(sel.matchExpressions ?? []),
              ...keys.map((key) => ({ key, operator: 'In' as const, values: [labels[key]] })),
            ],
          }
        : sel;
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        minDomains: c.minDomains ?? 1,
        selector: c.labelSelector ? compileLabelSelector(selector) : undefined,
        selectorKey: c.labelSelector ? JSON.stringify(selector) : '',
        honorNodeAffinity: c.nodeAffinityPolicy !== 'Ignore',
        honorNodeTaints: c.nodeTaintsPolicy === 'Honor',
      };
    });
}

/** The node carries every constraint's topology key. */
export function hasAllTopologyKeys(node: Node, constraints: readonly SpreadConstraint[]): boolean {
  const labels = node.metadata.labels ?? {};
  return constraints.every((c) => c.topologyKey in labels);
}

/**
 * Which nodes count towards the spread for `pod` (every topology key
 * present unless `requireAllKeys` is false; node affinity and taints
 * honoured as the constraints ask), as a predicate built once per cycle: it
 * runs for every node.
 */
export function spreadNodeFilter(
  pod: Pod,
  constraints: readonly SpreadConstraint[],
  requireAllKeys = true,
): (node: Node) => boolean {
  const keys = requireAllKeys ? constraints.map((c) => c.topologyKey) : [];
  const hasNodeRules =
    Object.keys(pod.spec.nodeSelector ?? {}).length > 0 ||
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
  const checkAffinity = hasNodeRules && constraints.some((c) => c.honorNodeAffinity);
  const checkTaints = constraints.some((c) => c.honorNodeTaints);
  const tolerations = pod.spec.tolerations ?? [];
  return (node) => {
    const labels = node.metadata.labels;
    if (!labels) return false;
    for (const k of keys) if (labels[k] === undefined) return false;
    if (checkAffinity && !podNodeSelectorMatches(pod.spec, node)) return false;
    if (checkTaints && findUntoleratedTaint(node.spec?.taints ?? [], tolerations, ['NoSchedule', 'NoExecute'])) {
      return false;
    }
    return true;
  };
}

/** A pod that counts for a constraint: same namespace, selected, not terminating. */
export function countsForConstraint(incoming: Pod, other: Pod, c: SpreadConstraint): boolean {
  return (
    (other.metadata.namespace ?? 'default') === (incoming.metadata.namespace ?? 'default') &&
    !other.metadata.deletionTimestamp &&
    selects(c, other)
  );
}

/** The constraint's selector selects `pod` (a constraint without selector selects none). */
export function selects(c: SpreadConstraint, pod: Pod): boolean {
  return c.selector?.matches(pod.metadata.labels) ?? false;
}
