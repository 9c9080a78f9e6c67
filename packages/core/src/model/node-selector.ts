import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './core-v1.js';

/**
 * A base-10 integer as Go's `strconv.ParseInt` reads it (optional sign, digits
 * only), or NaN: Kubernetes compares Gt and Lt values only when both sides
 * parse. A loop rather than a regular expression, on the scheduler's filter path.
 */
function parseInteger(text: string): number {
  const start = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0; // '+' or '-'
  if (start === text.length) return Number.NaN;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
  }
  return Number(text);
}

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
      if (value === undefined || values.length !== 1) return false;
      const have = parseInteger(value);
      const bound = parseInteger(values[0] ?? '');
      // A NaN on either side makes both comparisons false, as a parse error does in Kubernetes.
      return req.operator === 'Gt' ? have > bound : have < bound;
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
