import { compileLabelSelector, type LabelMatcher, type Pod, type PodAffinityTerm } from '@flotilla/core';
import type { NamespaceLabels } from './namespace-labels.js';

/**
 * An inter-pod affinity term ready to evaluate: its selector compiled and its
 * namespaces resolved against the pod that declares it, as kube-scheduler's
 * AffinityTerm. The namespaces it looks in are the union of `namespaces`
 * and those whose labels match `namespaceSelector`; an empty selector (`{}`)
 * means every namespace; with neither, the owner pod's own namespace.
 *
 * Guarantees: a term without a non-empty `namespaceSelector` is decided by
 * a set lookup and never reads namespace labels.
 *
 * Caveats: a non-empty `namespaceSelector` depends on namespace labels that
 * change over time, so it is resolved per scheduling cycle: the incoming
 * pod's terms through `resolve` (once per cycle), an existing pod's terms by
 * passing the incoming pod's namespace labels to `matches`.
 */
export class AffinityTerm {
  private constructor(
    readonly topologyKey: string,
    /** Undefined: a nil selector, which matches no pod (Kubernetes' labels.Nothing()); an empty one matches all. */
    private readonly selector: LabelMatcher | undefined,
    private readonly namespaces: ReadonlySet<string>,
    /** Undefined: nil (selects no namespace by label); an empty matcher selects every namespace. */
    private readonly namespaceSelector: LabelMatcher | undefined,
  ) {}

  /** Parses `term` as declared by `owner`. */
  static of(owner: Pod, term: PodAffinityTerm): AffinityTerm {
    const selector = term.labelSelector ? compileLabelSelector(withLabelKeys(owner, term)) : undefined;
    const nsSelector = term.namespaceSelector ? compileLabelSelector(term.namespaceSelector) : undefined;
    const own = owner.metadata.namespace ?? 'default';
    const namespaces = new Set(term.namespaces?.length || nsSelector ? (term.namespaces ?? []) : [own]);
    return new AffinityTerm(term.topologyKey, selector, namespaces, nsSelector);
  }

  /** True when the term selects namespaces by their labels, which `resolve` turns into names. */
  get selectsNamespacesByLabel(): boolean {
    return this.namespaceSelector !== undefined && !this.namespaceSelector.empty;
  }

  /**
   * This term with its `namespaceSelector` replaced by the namespaces it
   * selects in `namespaces` (kube-scheduler's
   * mergeAffinityTermNamespacesIfNotEmpty), so matching a pod is a set
   * lookup again; the term itself when it selects no namespace by label.
   */
  resolve(namespaces: NamespaceLabels): AffinityTerm {
    if (!this.namespaceSelector || this.namespaceSelector.empty) return this;
    const names = new Set(this.namespaces);
    for (const n of namespaces.selectedBy(this.namespaceSelector)) names.add(n);
    return new AffinityTerm(this.topologyKey, this.selector, names, undefined);
  }

  /**
   * True if `pod` is one of the pods this term is about: in one of its
   * namespaces and matching its label selector.
   *
   * @param namespaceLabels - the labels of `pod`'s namespace, read only by a
   *   term whose non-empty `namespaceSelector` was not resolved (an existing
   *   pod's term tested against the incoming pod); undefined reads as no labels.
   */
  matches(pod: Pod, namespaceLabels?: Readonly<Record<string, string>>): boolean {
    if (!this.selector) return false;
    if (
      !this.namespaces.has(pod.metadata.namespace ?? 'default') &&
      !this.namespaceSelector?.matches(namespaceLabels)
    ) {
      return false;
    }
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
