import type { Condition } from '@flotilla/core';

/** The condition of this type, if present. */
export function getCondition<C extends Condition>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Returns `conditions` with `next` set in place of any condition of the same
 * type. As in Kubernetes, `lastTransitionTime` is kept when the status did not
 * change, so it records when the status last flipped rather than when the
 * controller last looked. When nothing but the update time would change the
 * old condition is kept as is, so an unchanged status compares equal.
 */
export function setCondition<C extends Condition>(conditions: readonly C[] | undefined, next: C): C[] {
  const list = [...(conditions ?? [])];
  const idx = list.findIndex((c) => c.type === next.type);
  if (idx < 0) return [...list, next];
  const old = list[idx];
  if (old.status === next.status && old.reason === next.reason && old.message === next.message) return list;
  list[idx] = old.status === next.status ? { ...next, lastTransitionTime: old.lastTransitionTime } : next;
  return list;
}

/** Returns `conditions` without the condition of this type. */
export function removeCondition<C extends Condition>(conditions: readonly C[] | undefined, type: string): C[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
