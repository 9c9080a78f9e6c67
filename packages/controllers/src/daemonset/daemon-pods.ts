import type { Pod } from '@flotilla/core';

/** Label on DaemonSet pods naming the template revision they were made from. */
export const controllerRevisionHashLabel = 'controller-revision-hash';

/**
 * The node a DaemonSet pod is for (Kubernetes' `GetTargetNodeName`): where
 * it is bound, or, before the scheduler has bound it, the node its required
 * node affinity pins it to (`metadata.name In [node]`).
 */
export function targetNodeName(pod: Readonly<Pod>): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of terms ?? []) {
    const field = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (field?.values?.length === 1) return field.values[0];
  }
  return undefined;
}

/** Whether the pod was made from the revision with this hash. */
export function isUpdated(pod: Readonly<Pod>, hash: string): boolean {
  return pod.metadata.labels?.[controllerRevisionHashLabel] === hash;
}
