import type { Deployment, LabelSelector, PodTemplateSpec, ReplicaSet } from '@flotilla/core';

/** The label the Deployment controller adds to each ReplicaSet's template (and pods): not part of the template. */
const POD_TEMPLATE_HASH = 'pod-template-hash';
/** The annotation that numbers a ReplicaSet's revision. */
const REVISION = 'deployment.kubernetes.io/revision';

/**
 * Annotations a rollback keeps from the Deployment instead of copying from
 * the ReplicaSet (kubectl's `annotationsToSkip`): the applied configuration
 * and the controller's own bookkeeping.
 */
const KEPT_FROM_DEPLOYMENT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** What `kubectl rollout undo deployment/<name>` would do, decided before any write. */
export type UndoPlan =
  | { action: 'patch'; toRevision: number; fromRevision: number; patch: JsonPatchOperation[] }
  | { action: 'skip'; toRevision: number; message: string }
  | { action: 'refuse'; message: string };

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  op: 'replace';
  path: string;
  value: unknown;
}

/** The `labelSelector` query of a selector, as kubectl writes it: `app=web,tier in (a,b),!canary`. */
export function selectorQuery(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = `(${[...(e.values ?? [])].sort().join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** A revision annotation as a number; ReplicaSets without a readable one are no revision at all. */
function revisionOf(rs: ReplicaSet): number | undefined {
  const text = rs.metadata.annotations?.[REVISION];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** Equal as JSON values, whatever the key order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A template without the controller's hash label: what a rollback restores and compares. */
function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const { [POD_TEMPLATE_HASH]: _hash, ...labels } = template.metadata?.labels ?? {};
  return { ...template, metadata: { ...template.metadata, labels } };
}

/**
 * Plans `kubectl rollout undo` (to the previous revision) for a Deployment,
 * given the ReplicaSets of its namespace that its selector matches: those it
 * controls are its history; the newest revision is the current one, the one
 * before it is restored. The patch is kubectl's JSON patch: the Deployment's
 * template replaced by that ReplicaSet's (its hash label dropped), and its
 * annotations by the ReplicaSet's, but for those kubectl keeps from the
 * Deployment. A paused Deployment, or one with no earlier revision, is
 * refused as kubectl refuses it; a template already equal is skipped.
 */
export function planRolloutUndo(deployment: Deployment, replicaSets: ReplicaSet[]): UndoPlan {
  const uid = deployment.metadata.uid;
  const history = replicaSets
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid))
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((h): h is { rs: ReplicaSet; revision: number } => h.revision !== undefined)
    .sort((a, b) => b.revision - a.revision);
  const name = deployment.metadata.name;
  const [latest, previous] = history;
  const previousTemplate = previous?.rs.spec.template;
  if (!previous || !previousTemplate)
    return { action: 'refuse', message: `no rollout history found for deployment "${name}"` };
  if (deployment.spec.paused) {
    return {
      action: 'refuse',
      message: `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`,
    };
  }
  const template = withoutHash(previousTemplate);
  if (sameValue(template, withoutHash(deployment.spec.template))) {
    return {
      action: 'skip',
      toRevision: previous.revision,
      message: `skipped rollback (current template already matches revision ${previous.revision})`,
    };
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (KEPT_FROM_DEPLOYMENT.has(k)) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(previous.rs.metadata.annotations ?? {})) {
    if (!KEPT_FROM_DEPLOYMENT.has(k)) annotations[k] = v;
  }
  return {
    action: 'patch',
    toRevision: previous.revision,
    fromRevision: latest.revision,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}
