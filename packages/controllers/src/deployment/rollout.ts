import { BadRequestError, type ClusterApi, compileLabelSelector, NotFoundError, type ReplicaSet } from '@flotilla/core';
import { isControlledBy } from '../pod-control/controller-ref.js';
import { revisionOf, userAnnotations } from './annotations.js';
import { type RolloutStatus, rolloutStatusMessage } from './deployment-status.js';
import { podTemplateHashLabel, templatesEqualIgnoringHash } from './pod-template-hash.js';

/**
 * What `kubectl rollout status deployment/<name>` would say now, read from
 * the Api: `done` once every replica is updated and available, `failed` once
 * the progress deadline passed, and kubectl's message either way.
 */
export async function rolloutStatus(api: ClusterApi, namespace: string, name: string): Promise<RolloutStatus> {
  return rolloutStatusMessage(await api.resource('Deployment').get(namespace, name));
}

/** What `rollbackDeployment` did. */
export interface RollbackResult {
  /** The revision whose template is now the Deployment's. */
  revision: number;
  /** True when the Deployment already had that template (kubectl: "skipped rollback"). */
  skipped: boolean;
}

/**
 * `kubectl rollout undo`: copies an old ReplicaSet's pod template (without
 * its pod-template-hash label) and user annotations back into the
 * Deployment; the Deployment controller then rolls it out as a new revision.
 * `toRevision` absent or 0 means the revision before the current one.
 *
 * @throws BadRequestError for a paused Deployment, no history, or an unknown revision.
 */
export async function rollbackDeployment(
  api: ClusterApi,
  namespace: string,
  name: string,
  toRevision = 0,
): Promise<RollbackResult> {
  const deployments = api.resource('Deployment');
  const d = await deployments.get(namespace, name);
  if (d.spec.paused) {
    throw new BadRequestError(
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`,
    );
  }
  const selector = compileLabelSelector(d.spec.selector);
  const history = (await api.resource('ReplicaSet').list({ namespace })).items
    .filter((rs) => isControlledBy(rs, d.metadata.uid) && selector.matches(rs.metadata.labels))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  if (history.length === 0) throw new BadRequestError(`no rollout history found for deployment "${name}"`);
  const target: ReplicaSet | undefined =
    toRevision > 0 ? history.find((rs) => revisionOf(rs) === toRevision) : history[1];
  if (!target?.spec.template) {
    if (toRevision > 0) throw new NotFoundError({ resource: `revision ${toRevision} of deployments`, namespace, name });
    throw new BadRequestError(`no previous revision of deployment "${name}" to roll back to`);
  }
  const revision = revisionOf(target);
  if (templatesEqualIgnoringHash(target.spec.template, d.spec.template)) return { revision, skipped: true };
  const template = structuredClone(target.spec.template);
  const labels = { ...template.metadata?.labels };
  delete labels[podTemplateHashLabel];
  template.metadata = { ...template.metadata, labels };
  const updated = structuredClone(d);
  updated.spec.template = template;
  updated.metadata.annotations = {
    ...d.metadata.annotations,
    ...userAnnotations(target.metadata.annotations),
  };
  await deployments.update(updated);
  return { revision, skipped: false };
}
