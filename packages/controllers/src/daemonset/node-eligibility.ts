import {
  type DaemonSet,
  type Node,
  type PodSpec,
  podNodeSelectorMatches,
  type Taint,
  type Toleration,
} from '@flotilla/core';

/**
 * Tolerations Kubernetes adds to every DaemonSet pod (`AddOrUpdateDaemonPodTolerations`),
 * so daemons keep running on nodes that are not ready, unreachable, under
 * pressure or cordoned; `network-unavailable` only for host-network pods.
 */
export function daemonPodTolerations(spec: Readonly<PodSpec>): Toleration[] {
  const tolerate = (key: string, effect: Toleration['effect']): Toleration => ({ key, operator: 'Exists', effect });
  const extra = [
    tolerate('node.kubernetes.io/not-ready', 'NoExecute'),
    tolerate('node.kubernetes.io/unreachable', 'NoExecute'),
    tolerate('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    tolerate('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    tolerate('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    tolerate('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(spec.hostNetwork ? [tolerate('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
  const own = spec.tolerations ?? [];
  const missing = extra.filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect));
  return [...own, ...missing];
}

/** Kubernetes' `ToleratesTaint`. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
}

/** Whether a DaemonSet wants a pod on a node (`shouldRun`) and whether an existing one may stay (`shouldContinueRunning`). */
export interface NodeEligibility {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

const NOT_ELIGIBLE: NodeEligibility = { shouldRun: false, shouldContinueRunning: false };
const ELIGIBLE: NodeEligibility = { shouldRun: true, shouldContinueRunning: true };

/** Whether a taint with one of `effects` is tolerated by none of `tolerations`. */
function hasUntolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly Taint['effect'][],
): boolean {
  return taints.some((t) => effects.includes(t.effect) && !tolerations.some((o) => tolerates(o, t)));
}

/**
 * Kubernetes' `NodeShouldRunDaemonPod`: the template's `nodeName` (if any),
 * `nodeSelector` and required node affinity must match the node; untolerated
 * NoSchedule/NoExecute taints (after the daemon tolerations are added) keep a
 * new pod off, and only an untolerated NoExecute taint evicts a running one.
 * A sync over every node passes the template's `daemonPodTolerations` once.
 */
export function nodeEligibility(
  ds: Readonly<DaemonSet>,
  node: Readonly<Node>,
  tolerations: readonly Toleration[] = daemonPodTolerations(ds.spec.template.spec),
): NodeEligibility {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return NOT_ELIGIBLE;
  if (!podNodeSelectorMatches(spec, node)) return NOT_ELIGIBLE;
  const taints = node.spec?.taints;
  if (!taints?.length || !hasUntolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) return ELIGIBLE;
  return { shouldRun: false, shouldContinueRunning: !hasUntolerated(taints, tolerations, ['NoExecute']) };
}

/**
 * The pod spec a DaemonSet creates for one node: the daemon tolerations, and
 * required node affinity replaced by `metadata.name In [node]` (matchFields)
 * so the default scheduler binds it there (Kubernetes' `ReplaceDaemonSetPodNodeNameNodeAffinity`).
 */
export function placeOnNode(spec: PodSpec, nodeName: string): void {
  spec.tolerations = daemonPodTolerations(spec);
  const nodeTerm = { matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [nodeName] }] };
  spec.affinity = {
    ...spec.affinity,
    nodeAffinity: {
      ...spec.affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [nodeTerm] },
    },
  };
}
