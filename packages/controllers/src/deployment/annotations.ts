/** The revision of a Deployment's rollout a ReplicaSet (and the Deployment) represents. */
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** Earlier revisions a reused ReplicaSet had, comma-separated. */
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
/** The Deployment's `spec.replicas` when the ReplicaSet was last sized. */
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
/** `replicas + maxSurge` when the ReplicaSet was last sized (proportional scaling's reference). */
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';

/** Annotations that describe a rollout rather than the user's intent, never copied between Deployment and ReplicaSet. */
export const rolloutAnnotations: ReadonlySet<string> = new Set([
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'kubectl.kubernetes.io/last-applied-configuration',
  'deprecated.deployment.rollback.to',
]);

/** The revision number recorded on an object, 0 when absent or malformed. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const n = Number.parseInt(obj.metadata.annotations?.[revisionAnnotation] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/** The user's annotations of `source` (those that are not rollout bookkeeping). */
export function userAnnotations(source: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(source ?? {}).filter(([k]) => !rolloutAnnotations.has(k)));
}
