import { compileLabelSelector, type LabelMatcher, type Pod, type PodAffinityTerm } from '@flotilla/core';

/**
 * An inter-pod affinity term ready to evaluate: its selector compiled and its
 * namespaces resolved against the pod that declares it.
 *
 * Caveats: `namespaceSelector` needs Namespace labels, which the scheduler
 * does not watch; an empty `namespaceSelector` ({}) means every namespace, a
 * non-empty one adds no namespace beyond `namespaces`.
 */
export class AffinityTerm {
  readonly topologyKey: string;
  private readonly selector: LabelMatcher | undefined;
  private readonly namespaces: ReadonlySet<string>;
  private readonly allNamespaces: boolean;

  constructor(owner: Pod, term: PodAffinityTerm) {
    this.topologyKey = term.topologyKey;
    // A nil selector matches no pod (Kubernetes' labels.Nothing()); an empty one matches all.
    this.selector = term.labelSelector ? compileLabelSelector(withLabelKeys(owner, term)) : undefined;
    const selectorKeys = term.namespaceSelector
      ? Object.keys(term.namespaceSelector.matchLabels ?? {}).length +
        (term.namespaceSelector.matchExpressions ?? []).length
      : -1;
    this.allNamespaces = selectorKeys === 0;
    const own = owner.metadata.namespace ?? 'default';
    this.namespaces = new Set(term.namespaces?.length || term.namespaceSelector ? (term.namespaces ?? []) : [own]);
  }

  /** True if `pod` is one of the pods this term is about. */
  matches(pod: Pod): boolean {
    if (!this.selector) return false;
    if (!this.allNamespaces && !this.namespaces.has(pod.metadata.namespace ?? 'default')) return false;
    return this.selector.matches(pod.metadata.labels);
  }
}

/** `matchLabelKeys` / `mismatchLabelKeys`: narrow the selector by the owner's own label values. */
function withLabelKeys(owner: Pod, term: PodAffinityTerm) {
  const sel = term.labelSelector ?? {};
  const labels = owner.metadata.labels ?? {};
  const extra = [
    ...(term.matchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'In' as const, values: [labels[key]] })),
    ...(term.mismatchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'NotIn' as const, values: [labels[key]] })),
  ];
  if (extra.length === 0) return sel;
  return { ...sel, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

/** A preferred term with its weight (negative for anti-affinity when summed). */
export interface WeightedAffinityTerm {
  term: AffinityTerm;
  weight: number;
}
