import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './core-v1.js';

/** Kubernetes accepts only base-10 integers (`strconv.ParseInt`) on either side of Gt and Lt. */
const INTEGER = /^[+-]?\d+$/;

/** One requirement over a label or field value that may be absent. */
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
      const bound = values[0];
      if (value === undefined || values.length !== 1 || bound === undefined) return false;
      if (!INTEGER.test(value) || !INTEGER.test(bound)) return false;
      return req.operator === 'Gt' ? Number(value) > Number(bound) : Number(value) < Number(bound);
    }
  }
}

/**
 * Whether one node selector term matches a node: every label expression
 * (`matchExpressions`) and every field expression (`matchFields`) holds.
 *
 * Guarantees: Kubernetes' semantics: `NotIn` and `DoesNotExist` hold for an
 * absent label; `Gt`/`Lt` need exactly one integer value and an integer
 * label, otherwise they fail; the only field is `metadata.name`.
 *
 * Caveats: a term with no requirement at all matches NO node, and a field
 * other than `metadata.name` makes the term fail (validation rejects both,
 * but a stored object may predate it).
 */
export function nodeSelectorTermMatches(term: Readonly<NodeSelectorTerm>, node: Readonly<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementHolds(r, labels[r.key])) return false;
  for (const r of fields) if (r.key !== 'metadata.name' || !requirementHolds(r, node.metadata.name)) return false;
  return true;
}

/**
 * Whether any of the terms matches (Kubernetes ORs node selector terms).
 * An empty list matches no node.
 */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Readonly<Node>): boolean {
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/**
 * Whether a node is one a pod may run on by its labels and name: the
 * `nodeSelector` map (every pair equal) and the required node affinity
 * (`requiredDuringSchedulingIgnoredDuringExecution`) both hold, Kubernetes'
 * `GetRequiredNodeAffinity(pod).Match(node)`, shared by the scheduler's
 * NodeAffinity filter and the DaemonSet controller.
 *
 * Caveats: `nodeName`, taints and resources are not looked at; callers
 * check those.
 */
export function podNodeSelectorMatches(
  spec: Readonly<Pick<PodSpec, 'nodeSelector' | 'affinity'>>,
  node: Readonly<Node>,
): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || nodeSelectorTermsMatch(required.nodeSelectorTerms, node);
}
