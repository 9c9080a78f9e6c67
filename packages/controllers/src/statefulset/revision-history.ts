import {
  type ControllerRevision,
  isReason,
  type PodTemplateSpec,
  type ResourceClient,
  type StatefulSet,
  setControllerReference,
} from '@flotilla/core';
import { podTemplateHash } from '../deployment/pod-template-hash.js';

/** A StatefulSet revision's data: a strategic-merge patch replacing `spec.template`, as Kubernetes stores it. */
interface TemplatePatch {
  spec: { template: PodTemplateSpec & { $patch?: 'replace' } };
}

/** The current and update revisions of a set, and the collision count that named the update revision. */
export interface SetRevisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

const patchOf = (set: Readonly<StatefulSet>): TemplatePatch => ({
  spec: { template: { ...structuredClone(set.spec.template), $patch: 'replace' } },
});

/** The pod template a revision records (Kubernetes' `ApplyRevision`, for the template). */
export function templateOf(rev: Readonly<ControllerRevision>): PodTemplateSpec {
  const { $patch: _, ...template } = (rev.data as TemplatePatch).spec.template;
  return template;
}

const sameData = (a: Readonly<ControllerRevision>, b: Readonly<ControllerRevision>) =>
  JSON.stringify(a.data) === JSON.stringify(b.data);

/** Oldest first by revision number, then by name (Kubernetes' `SortControllerRevisions`). */
export function sortRevisions(revisions: readonly Readonly<ControllerRevision>[]): Readonly<ControllerRevision>[] {
  return [...revisions].sort((a, b) => a.revision - b.revision || a.metadata.name.localeCompare(b.metadata.name));
}

/** A new, unsaved revision of `set`'s template, named `<set>-<hash>` and owned by the set. */
function newRevision(set: Readonly<StatefulSet>, revision: number, collisionCount: number): ControllerRevision {
  return setControllerReference(set, {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata.name}-${podTemplateHash(set.spec.template, collisionCount)}`,
      namespace: set.metadata.namespace,
      labels: { ...set.spec.template.metadata?.labels },
    },
    data: patchOf(set),
    revision,
  });
}

/**
 * The current and update revisions of `set` (Kubernetes'
 * `getStatefulSetRevisions`): the update revision records the live
 * template; an equal revision is reused (a rollback to an older one bumps
 * its number to the newest), else one is created, bumping the collision
 * count while a foreign revision holds the name. The current revision is
 * the one `status.currentRevision` names, or the update revision for a new set.
 */
export async function syncRevisions(
  set: Readonly<StatefulSet>,
  owned: readonly Readonly<ControllerRevision>[],
  client: ResourceClient<ControllerRevision>,
): Promise<SetRevisions> {
  const revisions = sortRevisions(owned);
  let collisionCount = set.status?.collisionCount ?? 0;
  const next = (revisions.at(-1)?.revision ?? 0) + 1;
  const wanted = newRevision(set, next, collisionCount);
  const equal = revisions.filter((r) => sameData(r, wanted));
  let update: ControllerRevision;
  const latest = revisions.at(-1);
  if (equal.length > 0 && latest && sameData(latest, wanted)) {
    update = latest as ControllerRevision;
  } else if (equal.length > 0) {
    update = await client.update({ ...structuredClone(equal.at(-1) as ControllerRevision), revision: next });
  } else {
    update = await createRevision(set, next, collisionCount, client, (c) => {
      collisionCount = c;
    });
  }
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current: current as ControllerRevision, update, collisionCount };
}

/** Creates the revision, taking the next collision count while the name belongs to a different revision. */
async function createRevision(
  set: Readonly<StatefulSet>,
  revision: number,
  collisionCount: number,
  client: ResourceClient<ControllerRevision>,
  onCollision: (count: number) => void,
): Promise<ControllerRevision> {
  for (let count = collisionCount; ; count++) {
    const rev = newRevision(set, revision, count);
    try {
      return await client.create(rev);
    } catch (err) {
      if (!isReason(err, 'AlreadyExists')) throw err;
      const existing = await client.get(set.metadata.namespace ?? 'default', rev.metadata.name);
      const ours = existing.metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid);
      if (ours && sameData(existing, rev)) return existing;
      onCollision(count + 1);
    }
  }
}

/**
 * Deletes the oldest revisions that no pod, nor the current or update
 * revision, uses, until at most `revisionHistoryLimit` such revisions remain
 * (Kubernetes' `truncateHistory`).
 */
export async function truncateHistory(
  set: Readonly<StatefulSet>,
  owned: readonly Readonly<ControllerRevision>[],
  live: ReadonlySet<string>,
  client: ResourceClient<ControllerRevision>,
): Promise<void> {
  const history = sortRevisions(owned).filter((r) => !live.has(r.metadata.name));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  for (const rev of history.slice(0, Math.max(0, history.length - limit))) {
    await client.delete(rev.metadata.namespace ?? 'default', rev.metadata.name).catch((err: unknown) => {
      if (!isReason(err, 'NotFound')) throw err;
    });
  }
}
