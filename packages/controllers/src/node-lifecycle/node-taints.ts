import type { Condition, Node, Taint } from '@flotilla/core';

/** NoExecute (evicting) and NoSchedule: the node's Ready condition is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** NoExecute and NoSchedule: the node's Ready condition is Unknown (its agent went silent). */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** NoSchedule: the node is cordoned (`spec.unschedulable`). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Condition to NoSchedule taint, as Kubernetes' TaintNodesByCondition (status True taints, except Ready). */
const pressureTaints: readonly [condition: string, key: string][] = [
  ['MemoryPressure', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'node.kubernetes.io/pid-pressure'],
  ['NetworkUnavailable', 'node.kubernetes.io/network-unavailable'],
];

/** Every taint key this controller manages; taints with other keys are the user's and are never touched. */
export const MANAGED_TAINT_KEYS: ReadonlySet<string> = new Set([
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  ...pressureTaints.map(([, key]) => key),
]);

/** The NoExecute taint key a Ready status calls for: not-ready for False, unreachable for Unknown. */
export function noExecuteKeyFor(ready: Condition['status'] | undefined): string | undefined {
  if (ready === 'False') return TAINT_NOT_READY;
  if (ready === 'Unknown' || ready === undefined) return TAINT_UNREACHABLE;
  return undefined;
}

/** The NoSchedule taint keys a node's conditions and cordon call for. */
export function noScheduleKeysFor(node: Readonly<Node>, ready: Condition['status'] | undefined): string[] {
  const keys: string[] = [];
  const readyKey = noExecuteKeyFor(ready);
  if (readyKey) keys.push(readyKey);
  if (node.spec?.unschedulable) keys.push(TAINT_UNSCHEDULABLE);
  for (const [type, key] of pressureTaints) {
    if (node.status?.conditions?.some((c) => c.type === type && c.status === 'True')) keys.push(key);
  }
  return keys;
}

/**
 * The node's taints with the managed ones replaced by `wanted` (effect and
 * key); a managed taint already present keeps its `timeAdded`, so eviction
 * deadlines do not move. Unmanaged taints are kept in place.
 */
export function withManagedTaints(
  current: readonly Taint[] | undefined,
  wanted: readonly Pick<Taint, 'key' | 'effect'>[],
  now: string,
): Taint[] {
  const kept = (current ?? []).filter((t) => !MANAGED_TAINT_KEYS.has(t.key));
  for (const w of wanted) {
    const existing = current?.find((t) => t.key === w.key && t.effect === w.effect);
    kept.push(existing ?? (w.effect === 'NoExecute' ? { ...w, timeAdded: now } : { ...w }));
  }
  return kept;
}

/** True if the two taint lists hold the same taints, order aside. */
export function sameTaints(a: readonly Taint[] | undefined, b: readonly Taint[] | undefined): boolean {
  const key = (t: Taint) => `${t.key}\0${t.effect}\0${t.value ?? ''}\0${t.timeAdded ?? ''}`;
  const left = (a ?? []).map(key).sort();
  const right = (b ?? []).map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}
