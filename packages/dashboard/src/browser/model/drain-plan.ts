import type { Pod } from '@flotilla/core';

/** The annotation of a static pod's mirror: its node agent owns it, so a drain leaves it. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * The pods a drain of `node` evicts, as `kubectl drain --ignore-daemonsets
 * --delete-emptydir-data --force` picks them: every pod bound to the node
 * and still running, except mirror pods and DaemonSet pods (they would come
 * straight back). The server still decides each eviction.
 */
export function podsToEvict(node: string, pods: Iterable<Pod>): Pod[] {
  return [...pods].filter(
    (p) =>
      p.spec?.nodeName === node &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed' &&
      p.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined &&
      !p.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet'),
  );
}
