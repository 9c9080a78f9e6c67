import type { LabelMatcher, Namespace } from '@flotilla/core';

/**
 * The labels of every Namespace as of one scheduling cycle: what affinity
 * terms' `namespaceSelector`s are resolved against (kube-scheduler reads
 * them through its namespace lister in PreFilter).
 *
 * Guarantees: immutable; the cache hands a snapshot a new one only when a
 * Namespace was added, relabelled or removed, so a cycle sees one
 * consistent set.
 */
export class NamespaceLabels {
  /** No namespace known: a selector selects nothing, every namespace reads as unlabelled. */
  static readonly none = new NamespaceLabels(new Map());

  private constructor(private readonly byName: ReadonlyMap<string, Readonly<Record<string, string>>>) {}

  /** From Namespace objects (a later one of the same name wins). */
  static of(namespaces: Iterable<Namespace>): NamespaceLabels {
    const byName = new Map<string, Readonly<Record<string, string>>>();
    for (const ns of namespaces) byName.set(ns.metadata.name, ns.metadata.labels ?? {});
    return new NamespaceLabels(byName);
  }

  /**
   * The labels of `namespace` (a pod's `metadata.namespace`: unset is
   * `default`); undefined for a namespace not known, which a selector then
   * sees as one without labels (as kube-scheduler does).
   */
  labelsOf(namespace = 'default'): Readonly<Record<string, string>> | undefined {
    return this.byName.get(namespace);
  }

  /** The known namespaces whose labels `selector` matches. */
  selectedBy(selector: LabelMatcher): string[] {
    const out: string[] = [];
    for (const [name, labels] of this.byName) if (selector.matches(labels)) out.push(name);
    return out;
  }
}
