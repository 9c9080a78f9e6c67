import type { Node, NodeSelectorRequirement, NodeSelectorTerm } from '@flotilla/core';

function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const actual = Number.parseInt(value ?? '', 10);
      const bound = Number.parseInt(values[0] ?? '', 10);
      if (!Number.isFinite(actual) || !Number.isFinite(bound)) return false;
      return req.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

/**
 * One node selector term: every label expression and every field expression
 * holds (the only field Kubernetes supports is `metadata.name`). An empty
 * term matches nothing, as in Kubernetes.
 */
export function termMatchesNode(term: NodeSelectorTerm, node: Readonly<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) => requirementHolds(r, labels[r.key])) &&
    fields.every((r) => r.key === 'metadata.name' && requirementHolds(r, node.metadata.name))
  );
}

/** Required node affinity: the terms are ORed; no terms at all match nothing. */
export function termsMatchNode(terms: readonly NodeSelectorTerm[], node: Readonly<Node>): boolean {
  return terms.some((t) => termMatchesNode(t, node));
}
