import { type Condition, type Deployment, toTimestamp } from '@flotilla/core';
import { getCondition, removeCondition, setCondition } from '../conditions/conditions.js';
import { maxUnavailableOf } from './rolling-math.js';

/** Reasons of the Progressing and Available conditions, Kubernetes' wording. */
export const DeploymentReason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Default `spec.progressDeadlineSeconds`. */
export const defaultProgressDeadlineSeconds = 600;

/** Observed counts of one ReplicaSet (from its status) as the Deployment status sums them. */
export interface ReplicaSetStatusCounts {
  name: string;
  specReplicas: number;
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

type DeploymentStatus = NonNullable<Deployment['status']>;

/** A condition stamped with `now` for both times. */
export function condition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: number,
): Condition {
  const ts = toTimestamp(now);
  return { type, status, reason, message, lastUpdateTime: ts, lastTransitionTime: ts };
}

/**
 * Kubernetes' `calculateStatus`: counts summed over the sets (`updated` is
 * the new set's), `unavailable = spec total - available`, and the Available
 * condition: True (MinimumReplicasAvailable) while at least
 * `replicas - maxUnavailable` pods are available.
 */
export function calculateStatus(
  d: Readonly<Deployment>,
  all: readonly ReplicaSetStatusCounts[],
  newRS: ReplicaSetStatusCounts | undefined,
  now: number,
): DeploymentStatus {
  const sum = (f: (s: ReplicaSetStatusCounts) => number) => all.reduce((n, s) => n + f(s), 0);
  const available = sum((s) => s.availableReplicas);
  const replicas = d.spec.replicas ?? 1;
  const enough = available >= replicas - maxUnavailableOf(d);
  const availableCond = enough
    ? condition(
        'Available',
        'True',
        DeploymentReason.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      )
    : condition(
        'Available',
        'False',
        DeploymentReason.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      );
  return {
    observedGeneration: d.metadata.generation,
    replicas: sum((s) => s.replicas),
    updatedReplicas: newRS?.replicas ?? 0,
    readyReplicas: sum((s) => s.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum((s) => s.specReplicas) - available),
    conditions: setCondition(d.status?.conditions, availableCond),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
}

/** Kubernetes' `DeploymentComplete`: every replica updated and available, and the latest spec observed. */
export function isDeploymentComplete(d: Readonly<Deployment>, s: DeploymentStatus): boolean {
  const replicas = d.spec.replicas ?? 1;
  return (
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

function isProgressing(old: DeploymentStatus | undefined, s: DeploymentStatus): boolean {
  return (
    (s.updatedReplicas ?? 0) > (old?.updatedReplicas ?? 0) ||
    (s.readyReplicas ?? 0) > (old?.readyReplicas ?? 0) ||
    (s.replicas ?? 0) < (old?.replicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old?.availableReplicas ?? 0)
  );
}

/**
 * Kubernetes' `DeploymentTimedOut`: the Progressing condition was last
 * updated more than `progressDeadlineSeconds` ago (strictly) and the rollout
 * has neither completed nor already timed out.
 */
export function hasTimedOut(d: Readonly<Deployment>, s: DeploymentStatus, now: number): boolean {
  const cond = getCondition(s.conditions, 'Progressing');
  if (!cond || cond.reason === DeploymentReason.NewReplicaSetAvailable) return false;
  if (cond.reason === DeploymentReason.ProgressDeadlineExceeded) return true;
  const from = Date.parse(cond.lastUpdateTime ?? cond.lastTransitionTime ?? '');
  const deadline = (d.spec.progressDeadlineSeconds ?? defaultProgressDeadlineSeconds) * 1000;
  return Number.isFinite(from) && from + deadline < now;
}

/**
 * Adds the Progressing condition to a freshly calculated status, as
 * Kubernetes' `syncRolloutStatus`: NewReplicaSetAvailable once complete,
 * ReplicaSetUpdated (keeping the transition time) while counts move,
 * ProgressDeadlineExceeded when they stopped moving for longer than the
 * deadline. A rollout that already completed keeps its condition.
 */
export function withProgress(
  d: Readonly<Deployment>,
  s: DeploymentStatus,
  newRSName: string | undefined,
  now: number,
): DeploymentStatus {
  const current = getCondition(d.status?.conditions, 'Progressing');
  const alreadyComplete =
    s.replicas === s.updatedReplicas && current?.reason === DeploymentReason.NewReplicaSetAvailable;
  if (alreadyComplete) return s;
  let conditions = s.conditions;
  if (isDeploymentComplete(d, s)) {
    conditions = setCondition(
      conditions,
      condition(
        'Progressing',
        'True',
        DeploymentReason.NewReplicaSetAvailable,
        `ReplicaSet "${newRSName}" has successfully progressed.`,
        now,
      ),
    );
  } else if (isProgressing(d.status, s)) {
    const next = condition(
      'Progressing',
      'True',
      DeploymentReason.ReplicaSetUpdated,
      `ReplicaSet "${newRSName}" is progressing.`,
      now,
    );
    if (current?.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
    conditions = [...removeCondition(conditions, 'Progressing'), next];
  } else if (hasTimedOut(d, s, now)) {
    conditions = setCondition(
      conditions,
      condition(
        'Progressing',
        'False',
        DeploymentReason.ProgressDeadlineExceeded,
        `ReplicaSet "${newRSName}" has timed out progressing.`,
        now,
      ),
    );
  }
  return { ...s, conditions };
}

/**
 * When to look again so a stalled rollout is marked ProgressDeadlineExceeded
 * on time even if nothing changes (Kubernetes' `requeueStuckDeployment`), in
 * ms from now; undefined when no deadline check is pending.
 */
export function msUntilDeadlineCheck(d: Readonly<Deployment>, s: DeploymentStatus, now: number): number | undefined {
  const cond = getCondition(s.conditions, 'Progressing');
  if (!cond || isDeploymentComplete(d, s)) return undefined;
  if (
    cond.reason === DeploymentReason.NewReplicaSetAvailable ||
    cond.reason === DeploymentReason.ProgressDeadlineExceeded
  ) {
    return undefined;
  }
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return undefined;
  const after = from + (d.spec.progressDeadlineSeconds ?? defaultProgressDeadlineSeconds) * 1000 - now;
  return after < 1000 ? 1 : after + 1000;
}

/** The result of `rolloutStatusMessage`. */
export interface RolloutStatus {
  /** The rollout finished: every replica updated and available. */
  done: boolean;
  /** The rollout exceeded its progress deadline (kubectl exits with an error then). */
  failed: boolean;
  /** kubectl's wording, without the trailing newline. */
  message: string;
}

/** What `kubectl rollout status deployment/<name>` prints for this Deployment, decided from its status alone. */
export function rolloutStatusMessage(d: Readonly<Deployment>): RolloutStatus {
  const name = d.metadata.name;
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { done: false, failed: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  if (getCondition(s.conditions, 'Progressing')?.reason === DeploymentReason.ProgressDeadlineExceeded) {
    return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = d.spec.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const waiting = (what: string) => ({
    done: false,
    failed: false,
    message: `Waiting for deployment "${name}" rollout to finish: ${what}...`,
  });
  if (updated < replicas) return waiting(`${updated} out of ${replicas} new replicas have been updated`);
  if ((s.replicas ?? 0) > updated)
    return waiting(`${(s.replicas ?? 0) - updated} old replicas are pending termination`);
  if ((s.availableReplicas ?? 0) < updated) {
    return waiting(`${s.availableReplicas ?? 0} of ${updated} updated replicas are available`);
  }
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}
