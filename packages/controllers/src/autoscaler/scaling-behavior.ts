import type { HorizontalPodAutoscaler, HPAScalingPolicy, HPAScalingRules } from '@flotilla/core';

/** Kubernetes' default scale-up rules: no window; at most +4 pods or +100% per 15 s, whichever is more. */
export const DEFAULT_SCALE_UP: Required<
  Pick<HPAScalingRules, 'stabilizationWindowSeconds' | 'selectPolicy' | 'policies'>
> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** Kubernetes' default scale-down rules: a 300 s window; at most -100% per 15 s. */
export const DEFAULT_SCALE_DOWN: typeof DEFAULT_SCALE_UP = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** One direction's rules with defaults applied. */
export type ResolvedRules = typeof DEFAULT_SCALE_UP;

/** The HPA's behavior with Kubernetes' defaults filled in. */
export function resolveBehavior(hpa: Readonly<HorizontalPodAutoscaler>): { up: ResolvedRules; down: ResolvedRules } {
  const fill = (rules: HPAScalingRules | undefined, defaults: ResolvedRules): ResolvedRules => ({
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies ?? defaults.policies,
  });
  return {
    up: fill(hpa.spec.behavior?.scaleUp, DEFAULT_SCALE_UP),
    down: fill(hpa.spec.behavior?.scaleDown, DEFAULT_SCALE_DOWN),
  };
}

/** A change of replicas the autoscaler made, for rate limiting by policy period. */
export interface ScaleEvent {
  at: number;
  /** Positive: pods added; negative: pods removed. */
  change: number;
}

/** A recommendation, remembered for the stabilization windows. */
export interface Recommendation {
  at: number;
  replicas: number;
}

/** Why the result differs from the recommendation, for the ScalingLimited condition. */
export type LimitReason = 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | undefined;

/** Inputs of `applyBehavior`. */
export interface BehaviorInput {
  now: number;
  current: number;
  /** What the metrics call for (already the max over metrics). */
  recommended: number;
  minReplicas: number;
  maxReplicas: number;
  up: ResolvedRules;
  down: ResolvedRules;
  /** Earlier recommendations (this call appends to it and prunes what no window needs). */
  history: Recommendation[];
  events: readonly ScaleEvent[];
}

function withinPeriod(events: readonly ScaleEvent[], now: number, policy: HPAScalingPolicy) {
  let added = 0;
  let removed = 0;
  for (const e of events) {
    if (e.at <= now - policy.periodSeconds * 1000) continue;
    if (e.change > 0) added += e.change;
    else removed -= e.change;
  }
  return { added, removed };
}

/** The highest count the scale-up policies allow now (Kubernetes' `calculateScaleUpLimitWithScalingRules`). */
export function scaleUpLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ResolvedRules,
  now: number,
): number {
  return policyLimit(current, events, rules, now, 'up');
}

/** The lowest count the scale-down policies allow now (Kubernetes' `calculateScaleDownLimitWithBehaviors`). */
export function scaleDownLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ResolvedRules,
  now: number,
): number {
  return policyLimit(current, events, rules, now, 'down');
}

/**
 * Both directions' limit: each policy counts from the replicas there were
 * when its period began (changes inside the period undone), Percent rounds
 * away from `current`, and `selectPolicy: Max` takes the policy allowing the
 * largest change, `Min` the smallest.
 */
function policyLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ResolvedRules,
  now: number,
  direction: 'up' | 'down',
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const sign = direction === 'up' ? 1 : -1;
  const round = direction === 'up' ? Math.ceil : Math.floor;
  const limits = rules.policies.map((p) => {
    const { added, removed } = withinPeriod(events, now, p);
    const start = current - added + removed;
    return p.type === 'Pods' ? start + sign * p.value : round(start * (1 + (sign * p.value) / 100));
  });
  const largestChange = (rules.selectPolicy === 'Max') === (direction === 'up');
  return largestChange ? Math.max(...limits) : Math.min(...limits);
}

/**
 * Kubernetes' `normalizeDesiredReplicasWithBehaviors`: stabilize the
 * recommendation (scale up only to the lowest recommendation of the
 * scale-up window, down only to the highest of the scale-down window), then
 * bound the change by the policies of its direction and by min/max replicas.
 * Appends the recommendation to `history`, dropping entries older than both
 * windows.
 */
export function applyBehavior(input: BehaviorInput): { replicas: number; limit: LimitReason } {
  const { now, current, recommended, up, down, history } = input;
  let upRec = recommended;
  let downRec = recommended;
  for (const r of history) {
    if (r.at > now - up.stabilizationWindowSeconds * 1000) upRec = Math.min(upRec, r.replicas);
    if (r.at > now - down.stabilizationWindowSeconds * 1000) downRec = Math.max(downRec, r.replicas);
  }
  history.push({ at: now, replicas: recommended });
  const keepFrom = now - Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000;
  while (history.length > 0 && history[0].at <= keepFrom) history.shift();

  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;

  if (stabilized > current) {
    const limit = Math.max(current, scaleUpLimit(current, input.events, up, now));
    const allowed = Math.min(limit, input.maxReplicas);
    if (stabilized > allowed)
      return { replicas: allowed, limit: allowed === input.maxReplicas ? 'TooManyReplicas' : 'ScaleUpLimit' };
    return { replicas: stabilized, limit: undefined };
  }
  if (stabilized < current) {
    const limit = Math.min(current, scaleDownLimit(current, input.events, down, now));
    const allowed = Math.max(limit, input.minReplicas);
    if (stabilized < allowed)
      return { replicas: allowed, limit: allowed === input.minReplicas ? 'TooFewReplicas' : 'ScaleDownLimit' };
    return { replicas: stabilized, limit: undefined };
  }
  if (stabilized > input.maxReplicas) return { replicas: input.maxReplicas, limit: 'TooManyReplicas' };
  if (stabilized < input.minReplicas) return { replicas: input.minReplicas, limit: 'TooFewReplicas' };
  return { replicas: stabilized, limit: undefined };
}
