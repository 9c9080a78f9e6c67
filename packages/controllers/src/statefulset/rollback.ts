import { BadRequestError, type ClusterApi, NotFoundError } from '@flotilla/core';
import type { RollbackResult } from '../deployment/rollout.js';
import { isControlledBy } from '../pod-control/controller-ref.js';
import { sortRevisions, templateOf } from './revision-history.js';

/**
 * `kubectl rollout undo statefulset`: puts an older ControllerRevision's
 * pod template back into the StatefulSet; the controller then finds the
 * equal revision, gives it the next number and rolls it out (in reverse
 * ordinal order, within the partition). `toRevision` absent or 0 means the
 * revision before the newest.
 *
 * @throws BadRequestError without history to go back to; NotFoundError for
 * an unknown revision number.
 */
export async function rollbackStatefulSet(
  api: ClusterApi,
  namespace: string,
  name: string,
  toRevision = 0,
): Promise<RollbackResult> {
  const sets = api.resource('StatefulSet');
  const set = await sets.get(namespace, name);
  const history = sortRevisions(
    (await api.resource('ControllerRevision').list({ namespace })).items.filter((r) =>
      isControlledBy(r, set.metadata.uid),
    ),
  );
  if (history.length === 0) throw new BadRequestError(`no rollout history found for statefulset "${name}"`);
  const target = toRevision > 0 ? history.find((r) => r.revision === toRevision) : history.at(-2);
  if (!target) {
    if (toRevision > 0)
      throw new NotFoundError({ resource: `revision ${toRevision} of statefulsets`, namespace, name });
    throw new BadRequestError(`no previous revision of statefulset "${name}" to roll back to`);
  }
  const template = templateOf(target);
  if (JSON.stringify(template) === JSON.stringify(set.spec.template)) {
    return { revision: target.revision, skipped: true };
  }
  await sets.update({ ...structuredClone(set), spec: { ...structuredClone(set.spec), template } });
  return { revision: target.revision, skipped: false };
}
