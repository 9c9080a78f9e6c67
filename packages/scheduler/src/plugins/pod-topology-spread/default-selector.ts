import type { KubeObject, LabelSelector, LabelSelectorRequirement, Pod, PodDisruptionBudget } from '@flotilla/core';

/** The controller kinds whose selector narrows a pod's default spreading selector. */
export type SpreadControllerKind = 'ReplicationController' | 'ReplicaSet' | 'StatefulSet';

/**
 * Read access to the objects that decide which pods a pod is spread
 * against when it declares no topology spread constraints: Services and the
 * pod's controller (kube-scheduler reads them through listers). The
 * Scheduler implements it over its informers; `simulate()` over the
 * objects it is given.
 */
export interface WorkloadLister {
  /** The Services of `namespace`. */
  services(namespace: string): readonly KubeObject[];
  /** The controller named `name` of `kind` in `namespace`, if known. */
  controller(kind: SpreadControllerKind, namespace: string, name: string): KubeObject | undefined;
  /** The PodDisruptionBudgets of `namespace`, which preemption prefers not to violate. Absent: none known. */
  disruptionBudgets?(namespace: string): readonly PodDisruptionBudget[];
}

/** A lister that knows no objects: defaulted spreading then applies to no pod. */
export const emptyWorkloadLister: WorkloadLister = { services: () => [], controller: () => undefined };

/** The apiVersion each controller kind must be owned through (the owner reference names both). */
const controllerApiVersion: Record<SpreadControllerKind, string> = {
  ReplicationController: 'v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
};

const isRecord = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v);

const specOf = (o: KubeObject): Record<string, unknown> =>
  ((o as { spec?: Record<string, unknown> }).spec ?? {}) as Record<string, unknown>;

/** Whether every `key: value` of a Service selector is among the labels; runs for every Service per pod, so it allocates nothing. */
function selectsAll(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/** Label sets remembered per Services list before the memo starts over. */
const MAX_LABEL_SETS = 4096;

/**
 * Per Services list, the union of the selectors of the Services that select
 * a label set. The Scheduler's lister hands back the same list while the
 * Service cache holds still, and the pods of one workload share their
 * labels, so matching every Service of the namespace (10,000 in the
 * envelope) is done once per label set instead of once per pod. A new list
 * (a Service changed, or a lister that builds one per call) starts a new memo.
 */
const selectedByServices = new WeakMap<readonly KubeObject[], Map<string, Readonly<Record<string, string>>>>();

function servicesSelector(
  services: readonly KubeObject[],
  podLabels: Record<string, string>,
): Readonly<Record<string, string>> {
  let memo = selectedByServices.get(services);
  if (!memo) {
    memo = new Map();
    selectedByServices.set(services, memo);
  }
  const key = JSON.stringify(podLabels);
  let union = memo.get(key);
  if (!union) {
    const matched: Record<string, string> = {};
    for (const svc of services) {
      const sel = specOf(svc).selector;
      if (isRecord(sel) && selectsAll(sel, podLabels)) Object.assign(matched, sel);
    }
    if (memo.size >= MAX_LABEL_SETS) memo.clear();
    memo.set(key, matched);
    union = matched;
  }
  return union;
}

/**
 * kube-scheduler's default spreading selector for `pod` (helper
 * DefaultSelector): the union of the selectors of the Services that select
 * it (a Service without selector selects nothing) and of its controller, a
 * ReplicationController, ReplicaSet or StatefulSet found by its controller
 * owner reference. Undefined when nothing selects the pod: then it gets no
 * default constraints.
 */
export function defaultSpreadSelector(pod: Pod, lister: WorkloadLister): LabelSelector | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const podLabels = pod.metadata.labels ?? {};
  const matchLabels: Record<string, string> = { ...servicesSelector(lister.services(namespace), podLabels) };
  const matchExpressions: LabelSelectorRequirement[] = [];
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  const kind = owner?.kind as SpreadControllerKind | undefined;
  if (owner && kind && controllerApiVersion[kind] === owner.apiVersion) {
    const controller = lister.controller(kind, namespace, owner.name);
    const sel = controller ? specOf(controller).selector : undefined;
    if (kind === 'ReplicationController' && isRecord(sel)) Object.assign(matchLabels, sel);
    else if (kind !== 'ReplicationController' && isRecord(sel)) {
      const ls = sel as LabelSelector;
      for (const [key, value] of Object.entries(ls.matchLabels ?? {})) {
        matchExpressions.push({ key, operator: 'In', values: [value] });
      }
      matchExpressions.push(...(ls.matchExpressions ?? []));
    }
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return undefined;
  return matchExpressions.length ? { matchLabels, matchExpressions } : { matchLabels };
}
