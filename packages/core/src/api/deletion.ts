import { toTimestamp } from '../clock/clock.js';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../defaulting/pod.js';
import { BadRequestError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { DeleteOptions, PropagationPolicy } from './types.js';

/**
 * Graceful deletion, Kubernetes' rules:
 *
 * 1. `delete` on an object with finalizers (or with the finalizer its
 *    `propagationPolicy` adds: Foreground -> `foregroundDeletion`, Orphan ->
 *    `orphan`, Background -> none) sets `deletionTimestamp` and keeps it.
 * 2. A pod bound to a node and not terminal also stays, for a grace period
 *    (`gracePeriodSeconds`, else `spec.terminationGracePeriodSeconds`, else
 *    30): `deletionTimestamp` is now + grace and `deletionGracePeriodSeconds`
 *    is set, so the node agent can stop its containers and then delete it
 *    again with `gracePeriodSeconds: 0`. A second delete may shorten the
 *    grace period, never lengthen it.
 * 3. A Namespace stays while its `spec.finalizers` (the namespace
 *    controller's `kubernetes`) remain, and shows `status.phase: Terminating`.
 *    The controller finishes by updating it with `spec.finalizers: []` (an
 *    absent list is defaulted back to `['kubernetes']`).
 * 4. An update that removes the last finalizer of an object whose deletion
 *    was requested (and whose grace period is over or zero) deletes it.
 */

/** The finalizers the garbage collector acts on; a propagation policy picks one of them. */
export const FOREGROUND_DELETION_FINALIZER = 'foregroundDeletion';
/** Added by `propagationPolicy: 'Orphan'`: dependents lose their owner reference instead of being deleted. */
export const ORPHAN_FINALIZER = 'orphan';

/** What a delete request does to a stored object. */
export type DeletionPlan =
  /** Remove it from the store now. */
  | { action: 'delete' }
  /** Write this object (with `deletionTimestamp`) and keep it until its finalizers or grace period are done. */
  | { action: 'mark'; object: KubeObject };

/** The finalizers `policy` leaves on an object, given the ones it has. */
function finalizersForPolicy(current: readonly string[], policy: PropagationPolicy | undefined): string[] {
  if (!policy) return [...current];
  const rest = current.filter((f) => f !== FOREGROUND_DELETION_FINALIZER && f !== ORPHAN_FINALIZER);
  if (policy === 'Foreground') rest.push(FOREGROUND_DELETION_FINALIZER);
  if (policy === 'Orphan') rest.push(ORPHAN_FINALIZER);
  return rest;
}

/** Whether anything still holds the object: metadata finalizers, or a Namespace's spec finalizers. */
export function hasFinalizers(obj: KubeObject): boolean {
  if ((obj.metadata.finalizers?.length ?? 0) > 0) return true;
  return obj.kind === 'Namespace' && namespaceSpecFinalizers(obj).length > 0;
}

function namespaceSpecFinalizers(obj: KubeObject): readonly unknown[] {
  const spec = obj.spec as { finalizers?: unknown } | undefined;
  return Array.isArray(spec?.finalizers) ? spec.finalizers : [];
}

/** How long a pod waits before it may be removed; 0 for objects that are not pods or need no wait. */
function gracePeriodOf(stored: KubeObject, requested: number | undefined): number {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 0)) {
    throw new BadRequestError(`gracePeriodSeconds must be a whole number >= 0, not ${requested}`);
  }
  if (stored.kind !== 'Pod') return 0;
  const spec = stored.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const phase = (stored.status as { phase?: string } | undefined)?.phase;
  if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = requested ?? spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  const previous = stored.metadata.deletionGracePeriodSeconds;
  // A grace period already running can only be shortened.
  return previous === undefined ? grace : Math.min(previous, grace);
}

/**
 * Decides what `delete` does to `stored` (a copy the caller owns; the
 * returned object may share parts with it) at time `now`.
 */
export function planDeletion(stored: KubeObject, opts: DeleteOptions, now: number): DeletionPlan {
  const grace = gracePeriodOf(stored, opts.gracePeriodSeconds);
  const finalizers = finalizersForPolicy(stored.metadata.finalizers ?? [], opts.propagationPolicy);
  const held = finalizers.length > 0 || (stored.kind === 'Namespace' && namespaceSpecFinalizers(stored).length > 0);
  if (grace === 0 && !held) return { action: 'delete' };

  const meta = { ...stored.metadata };
  const shortened = meta.deletionGracePeriodSeconds !== undefined && grace < meta.deletionGracePeriodSeconds;
  if (!meta.deletionTimestamp || shortened) meta.deletionTimestamp = toTimestamp(now + grace * 1000);
  meta.deletionGracePeriodSeconds = grace;
  if (finalizers.length > 0) meta.finalizers = finalizers;
  else delete meta.finalizers;
  const object: KubeObject = { ...stored, metadata: meta };
  if (stored.kind === 'Namespace') {
    object.status = { ...(stored.status as Record<string, unknown> | undefined), phase: 'Terminating' };
  }
  return { action: 'mark', object };
}

/**
 * Whether an update turns into a delete: the stored object was being
 * deleted with no grace period left to wait, and the update removes its last
 * finalizer (Kubernetes' `shouldDeleteDuringUpdate`).
 */
export function deletesOnUpdate(updated: KubeObject, stored: KubeObject): boolean {
  if (!stored.metadata.deletionTimestamp || hasFinalizers(updated)) return false;
  return (stored.metadata.deletionGracePeriodSeconds ?? 0) === 0;
}
